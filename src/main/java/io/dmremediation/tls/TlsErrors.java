package io.dmremediation.tls;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * A TLS handshake failure in words a person can act on: the JDK's messages ("PKIX path building failed", "Received
 * fatal alert: bad_certificate") say what broke inside the handshake, not which certificate to fix.
 */
public final class TlsErrors {

    private TlsErrors() {
    }

    /** Whether the failure is a TLS one (somewhere in its causes). */
    public static boolean isTls(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof javax.net.ssl.SSLException || c instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    /** @param peer who the server is, for messages ("DM-master", "the downstream") */
    public static String explain(Throwable failure, String peer) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CertificateExpiredException) {
                return "the server's certificate has expired";
            }
            if (c instanceof CertificateNotYetValidException) {
                return "the server's certificate is not valid yet";
            }
            if (c instanceof CertPathValidatorException || c instanceof java.security.cert.CertPathBuilderException) {
                return "the server's certificate is not signed by the CA we trust (ca.crt of the TLS Secret)";
            }
            all.append(' ').append(c.getMessage());
        }
        String m = all.toString().toLowerCase(Locale.ROOT);
        if (m.contains("no subject alternative") || m.contains("no name matching")) {
            return "the server's certificate does not name the host we connect to (host name verification)";
        }
        if (m.contains("pkix") || m.contains("unable to find valid certification path")) {
            return "the server's certificate is not signed by the CA we trust (ca.crt of the TLS Secret)";
        }
        if (m.contains("bad_certificate") || m.contains("certificate_required") || m.contains("unknown_ca")
                || m.contains("certificate_unknown")) {
            return peer + " refused our client certificate: it is missing, or not signed by the CA " + peer + " trusts "
                    + "(tls.crt and tls.key of the TLS Secret)";
        }
        if (m.contains("unsupported or unrecognized ssl message") || m.contains("plaintext connection")) {
            return "the server does not speak TLS (is TLS on in " + peer + "?)";
        }
        if (m.contains("remote host terminated the handshake") || m.contains("connection reset")
                || m.contains("broken pipe")) {
            return peer + " closed the connection during the handshake (it may require a client certificate: "
                    + "tls.crt and tls.key of the TLS Secret)";
        }
        String m0 = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        return "handshake failed: " + m0.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
