package io.dmremediation.tls;

import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made in memory for one test run, and certificates it signs: the TLS tests never use key
 * material from the repository. Keys are EC P-256 (fast to make); {@link Issued#rsaPkcs1Key()} gives an RSA key in
 * the PKCS#1 form cert-manager writes.
 */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private final KeyPair caKeys;
    private final X509Certificate caCert;

    /** A certificate and its key, as PEM text. */
    public record Issued(String certPem, String keyPem, X509Certificate x509) {
        public byte[] cert() {
            return certPem.getBytes(StandardCharsets.US_ASCII);
        }

        public byte[] key() {
            return keyPem.getBytes(StandardCharsets.US_ASCII);
        }
    }

    public TestPki(String name) {
        try {
            caKeys = ec();
            X500Name subject = new X500Name("CN=" + name);
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
                    caKeys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            caCert = sign(b, caKeys);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String caPem() {
        return pem(caCert);
    }

    public byte[] ca() {
        return caPem().getBytes(StandardCharsets.US_ASCII);
    }

    /** A server certificate for these DNS names and IP addresses. */
    public Issued server(String cn, String... names) {
        return issue(cn, KeyPurposeId.id_kp_serverAuth, names);
    }

    /** A client certificate (what TiDB Operator's dm-client-secret holds). */
    public Issued client(String cn) {
        return issue(cn, KeyPurposeId.id_kp_clientAuth);
    }

    /** An SSLContext for a server: this certificate, and client certificates verified against this CA. */
    public SSLContext serverContext(Issued server) {
        return PemTls.context(ca(), server.cert(), server.key());
    }

    private Issued issue(String cn, KeyPurposeId purpose, String... names) {
        try {
            KeyPair keys = ec();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                    new X500Name("CN=" + cn), keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            if (names.length > 0) {
                List<GeneralName> sans = new ArrayList<>();
                for (String n : names) {
                    boolean ip = n.matches("[0-9.]+") || n.contains(":");
                    sans.add(ip ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(n).getHostAddress())
                            : new GeneralName(GeneralName.dNSName, n));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
            }
            X509Certificate cert = sign(b, caKeys);
            return new Issued(pem(cert), pem(keys.getPrivate()), cert);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An RSA key in PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"), with a client certificate for it. */
    public Issued rsaPkcs1Client(String cn) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, new SecureRandom());
            KeyPair keys = g.generateKeyPair();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                    new X500Name("CN=" + cn), keys.getPublic());
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            X509Certificate cert = sign(b, caKeys);
            // JcaPEMWriter writes an RSA private key in the traditional (PKCS#1) form
            StringWriter w = new StringWriter();
            try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
                pw.writeObject(new org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator(keys.getPrivate()));
            }
            return new Issued(pem(cert), w.toString(), cert);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuer) throws Exception {
        String alg = issuer.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        ContentSigner signer = new JcaContentSignerBuilder(alg).build(issuer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    /** PKCS#8 for keys ("BEGIN PRIVATE KEY"), as Kubernetes TLS Secrets commonly hold them. */
    private static String pem(Object o) {
        try {
            if (o instanceof java.security.PrivateKey k) {
                return "-----BEGIN PRIVATE KEY-----\n"
                        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(k.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
            }
            StringWriter w = new StringWriter();
            try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
                pw.writeObject(o);
            }
            return w.toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
