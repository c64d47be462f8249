package io.dmremediation.fixer;

import io.dmremediation.tls.PemTls;
import io.dmremediation.tls.TlsMaterialException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * TLS to the downstream for the repair Jobs. It is on when the downstream Secret carries {@code ca.crt} (mounted
 * from the Secret into {@code DOWNSTREAM_TLS_DIR}, with {@code tls.crt} and {@code tls.key} for a client certificate)
 * or when the operator says the task's {@code target-database} has a {@code security} section
 * ({@code DOWNSTREAM_TLS=required}). Then the server certificate and host name are verified
 * ({@code sslMode=VERIFY_IDENTITY}) against that CA, or the JVM's trust store when the Secret has none; there is no
 * fallback to plain text: a downstream that does not speak TLS fails the connection.
 *
 * @param required TLS must be used
 * @param ca       PEM of the CA to trust, or null (the JVM's trust store)
 * @param cert     PEM of the client certificate, or null
 * @param key      PEM of the client key, or null
 */
public record DownstreamTls(boolean required, byte[] ca, byte[] cert, byte[] key) {

    public static final String TLS_VAR = "DOWNSTREAM_TLS";
    public static final String DIR_VAR = "DOWNSTREAM_TLS_DIR";
    public static final DownstreamTls NONE = new DownstreamTls(false, null, null, null);

    public DownstreamTls {
        if ((cert == null) != (key == null)) {
            throw new InvalidFixRequestException(cert == null ? "tls.key is given without tls.crt"
                    : "tls.crt is given without tls.key");
        }
        if (!required && ca != null) {
            required = true;
        }
    }

    /**
     * From the environment: {@code DOWNSTREAM_TLS} ({@code required}, or empty) and the files {@code ca.crt},
     * {@code tls.crt}, {@code tls.key} in {@code DOWNSTREAM_TLS_DIR} (any of them may be absent).
     */
    public static DownstreamTls fromEnvironment(Environment env) {
        String mode = env.get(TLS_VAR).map(String::strip).orElse("");
        if (!mode.isEmpty() && !mode.equals("required")) {
            throw new InvalidFixRequestException(TLS_VAR + " must be 'required' or empty");
        }
        Path dir = env.get(DIR_VAR).filter(s -> !s.isBlank()).map(Path::of).orElse(null);
        byte[] ca = dir == null ? null : read(dir.resolve("ca.crt"));
        byte[] cert = dir == null ? null : read(dir.resolve("tls.crt"));
        byte[] key = dir == null ? null : read(dir.resolve("tls.key"));
        return new DownstreamTls(mode.equals("required"), ca, cert, key);
    }

    private static byte[] read(Path p) {
        try {
            if (!Files.isRegularFile(p)) {
                return null;
            }
            byte[] b = Files.readAllBytes(p);
            return b.length == 0 ? null : b;
        } catch (IOException e) {
            throw new InvalidFixRequestException("cannot read " + p + ": " + e.getMessage());
        }
    }

    /** Key stores written for one connection attempt; deleted once the connection is open (or failed). */
    public static final class Files2 implements AutoCloseable {
        private final List<Path> files = new ArrayList<>();

        @Override
        public void close() {
            for (Path f : files) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // a temporary file in the Job's own emptyDir; it goes with the pod
                }
            }
        }
    }

    /**
     * Sets Connector/J's TLS properties; the CA and client key go to PKCS#12 files under {@code tmp} (the driver reads
     * key stores only from URLs), which {@code written} deletes.
     */
    public void apply(Properties props, Path tmp, Files2 written) {
        if (!required) {
            return;
        }
        props.setProperty("sslMode", "VERIFY_IDENTITY");
        try {
            if (ca != null) {
                String password = password();
                Path trust = store(PemTls.trustStore(ca), password, tmp, written);
                props.setProperty("trustCertificateKeyStoreUrl", trust.toUri().toString());
                props.setProperty("trustCertificateKeyStoreType", "PKCS12");
                props.setProperty("trustCertificateKeyStorePassword", password);
                // trust this CA only
                props.setProperty("fallbackToSystemTrustStore", "false");
            }
            if (cert != null) {
                String password = password();
                Path keys = store(PemTls.keyStore(cert, key, password.toCharArray()), password, tmp, written);
                props.setProperty("clientCertificateKeyStoreUrl", keys.toUri().toString());
                props.setProperty("clientCertificateKeyStoreType", "PKCS12");
                props.setProperty("clientCertificateKeyStorePassword", password);
                props.setProperty("fallbackToSystemKeyStore", "false");
            }
        } catch (TlsMaterialException e) {
            throw new InvalidFixRequestException("the downstream Secret's TLS files: " + e.getMessage());
        }
    }

    private static Path store(KeyStore ks, String password, Path tmp, Files2 written) {
        try {
            Path f = Files.createTempFile(tmp, "dmr-downstream-", ".p12");
            written.files.add(f);
            try (OutputStream out = Files.newOutputStream(f)) {
                ks.store(out, password.toCharArray());
            }
            return f;
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidFixRequestException("cannot write a key store for TLS under " + tmp + ": " + e.getMessage());
        }
    }

    private static String password() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public String toString() {
        return required ? "TLS(verify-identity" + (ca != null ? ", ca.crt" : ", JVM trust store")
                + (cert != null ? ", client certificate" : "") + ")" : "no TLS settings";
    }
}
