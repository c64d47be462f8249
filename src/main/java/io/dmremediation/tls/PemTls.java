package io.dmremediation.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material in the PEM files Kubernetes Secrets carry ({@code ca.crt}, {@code tls.crt}, {@code tls.key}, as
 * TiDB Operator, cert-manager and cfssl write them), turned into what Java needs: an {@link SSLContext} that trusts only
 * the given CA and presents the given client certificate, or key stores for a driver that wants files. The private
 * key may be PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}, cert-manager's default)
 * or SEC1 EC ({@code BEGIN EC PRIVATE KEY}, cfssl's for ECDSA keys).
 */
public final class PemTls {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    /** DER of AlgorithmIdentifier rsaEncryption with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** DER of OID id-ecPublicKey. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private PemTls() {
    }

    /** Every certificate in a PEM text; {@code what} names the file in messages. */
    public static List<X509Certificate> certificates(byte[] pem, String what) {
        if (pem == null || pem.length == 0) {
            throw new TlsMaterialException(what + " is empty");
        }
        List<X509Certificate> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    Collection<? extends Certificate> certs = cf.generateCertificates(
                            new ByteArrayInputStream(der(m.group(2), what)));
                    certs.forEach(c -> out.add((X509Certificate) c));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException(what + " holds a certificate that cannot be read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new TlsMaterialException(what + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /** The private key of a PEM text (PKCS#8, PKCS#1 RSA or SEC1 EC). */
    public static PrivateKey privateKey(byte[] pem, String what) {
        if (pem == null || pem.length == 0) {
            throw new TlsMaterialException(what + " is empty");
        }
        Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue; // e.g. a certificate in the same file
            }
            byte[] der = der(m.group(2), what);
            try {
                return switch (type) {
                    case "PRIVATE KEY" -> pkcs8(der);
                    case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                            sequence(concat(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM, octetString(der)))));
                    case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                            sequence(concat(new byte[] {0x02, 0x01, 0x00},
                                    sequence(concat(EC_PUBLIC_KEY, ecCurve(der, what))), octetString(der)))));
                    case "ENCRYPTED PRIVATE KEY" -> throw new TlsMaterialException(what
                            + " is encrypted; give the key unencrypted, as Kubernetes TLS Secrets hold it");
                    default -> throw new TlsMaterialException(what + " holds a " + type
                            + ", not a PKCS#8, PKCS#1 RSA or SEC1 EC private key");
                };
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new TlsMaterialException(what + " holds a " + type + " that cannot be read", e);
            }
        }
        throw new TlsMaterialException(what + " holds no PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC)");
    }

    /**
     * An SSLContext that trusts only the CA certificates of {@code caPem} and, when both are given, presents the
     * client certificate chain {@code certPem} with {@code keyPem}. Host names are verified by the client that uses
     * it (java.net.http does so for https).
     */
    public static SSLContext context(byte[] caPem, byte[] certPem, byte[] keyPem) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore(caPem));
            KeyManagerFactory kmf = null;
            KeyStore keys = keyStore(certPem, keyPem, new char[0]);
            if (keys != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    /** A key store holding the CA certificates of {@code caPem} as trusted entries. */
    public static KeyStore trustStore(byte[] caPem) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : certificates(caPem, "ca.crt")) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            return ks;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new TlsMaterialException("cannot hold ca.crt in a key store: " + e.getMessage(), e);
        }
    }

    /** A key store with the client key and chain; null when neither is given; an error when only one is. */
    public static KeyStore keyStore(byte[] certPem, byte[] keyPem, char[] password) {
        boolean cert = certPem != null && certPem.length > 0;
        boolean key = keyPem != null && keyPem.length > 0;
        if (!cert && !key) {
            return null;
        }
        if (cert != key) {
            throw new TlsMaterialException(cert ? "tls.crt is given without tls.key" : "tls.key is given without tls.crt");
        }
        List<X509Certificate> chain = certificates(certPem, "tls.crt");
        PrivateKey pk = privateKey(keyPem, "tls.key");
        if (!matches(pk, chain.get(0))) {
            throw new TlsMaterialException("tls.key does not belong to tls.crt (the key pair differs)");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", pk, password, chain.toArray(new Certificate[0]));
            return ks;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new TlsMaterialException("tls.key does not belong to tls.crt, or cannot be stored: " + e.getMessage(), e);
        }
    }

    /** Whether the key signs what the certificate's public key verifies: a mixed-up pair fails here, not mid-handshake. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] challenge = "dm-remediation-operator key check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException("not an RSA, EC or Ed25519 PKCS#8 key");
    }

    /** The named-curve OID of a SEC1 ECPrivateKey (RFC 5915: its [0] parameters). */
    private static byte[] ecCurve(byte[] sec1, String what) {
        // SEQUENCE { INTEGER 1, OCTET STRING key, [0] { OID curve } ... }
        int[] seq = header(sec1, 0);
        int at = seq[0];
        int end = seq[0] + seq[1];
        while (at < end) {
            int tag = sec1[at] & 0xff;
            int[] h = header(sec1, at);
            if (tag == 0xa0) {
                int[] oid = header(sec1, h[0]);
                byte[] out = new byte[oid[0] - h[0] + oid[1]];
                System.arraycopy(sec1, h[0], out, 0, out.length);
                return out;
            }
            at = h[0] + h[1];
        }
        throw new TlsMaterialException(what + " is an EC key without its curve; give it as PKCS#8 (BEGIN PRIVATE KEY)");
    }

    /** {start of content, length of content} of the DER element at {@code at}. */
    private static int[] header(byte[] der, int at) {
        int lenByte = der[at + 1] & 0xff;
        if (lenByte < 0x80) {
            return new int[] {at + 2, lenByte};
        }
        int n = lenByte & 0x7f;
        int len = 0;
        for (int i = 0; i < n; i++) {
            len = (len << 8) | (der[at + 2 + i] & 0xff);
        }
        return new int[] {at + 2 + n, len};
    }

    private static byte[] sequence(byte[] content) {
        return tagged(0x30, content);
    }

    private static byte[] octetString(byte[] content) {
        return tagged(0x04, content);
    }

    private static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else {
            byte[] l = java.math.BigInteger.valueOf(len).toByteArray();
            int skip = l[0] == 0 ? 1 : 0;
            out.write(0x80 | (l.length - skip));
            out.write(l, skip, l.length - skip);
        }
        out.write(content, 0, content.length);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    private static byte[] der(String base64, String what) {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new TlsMaterialException(what + " holds a PEM block that is not base64", e);
        }
    }
}
