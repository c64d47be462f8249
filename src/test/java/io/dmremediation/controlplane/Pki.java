package io.dmremediation.controlplane;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The control plane's keys, made fresh by each run: a CA; the API server's serving certificate for 127.0.0.1 and
 * localhost; client certificates for the admin (group {@code system:masters}) and kube-controller-manager; and the
 * key pair that signs and verifies service-account tokens. RSA keys, PKCS#8: what both the Go servers and fabric8's
 * client-certificate support read without extra providers.
 */
final class Pki {

    record Identity(String certPem, String keyPem) {
    }

    private final KeyPair caKeys;
    private final X509Certificate ca;

    private Pki() throws GeneralSecurityException, OperatorCreationException {
        this.caKeys = rsaKeys();
        X500Name name = name("dmr-test-ca", null);
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(2))), name, caKeys.getPublic());
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign
                    | KeyUsage.digitalSignature));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.ca = sign(b);
    }

    static Pki create() {
        try {
            return new Pki();
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("could not make the test CA", e);
        }
    }

    String caPem() {
        return pem(ca);
    }

    /** The API server's serving certificate: 127.0.0.1, localhost and the in-cluster names of the API. */
    Identity server() {
        List<GeneralName> sans = new ArrayList<>();
        sans.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        for (String dns : List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local")) {
            sans.add(new GeneralName(GeneralName.dNSName, dns));
        }
        return issue("kube-apiserver", null, KeyPurposeId.id_kp_serverAuth, sans);
    }

    /** A client certificate: the API server takes CN as the user and O as the group. */
    Identity client(String user, String group) {
        return issue(user, group, KeyPurposeId.id_kp_clientAuth, List.of());
    }

    /** A key pair for service-account tokens: the private key in PKCS#8 PEM, the public key in PKIX PEM. */
    static Identity serviceAccountKeys() {
        try {
            KeyPair keys = rsaKeys();
            return new Identity(pem(keys.getPublic()), pem(keys.getPrivate()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Identity issue(String cn, String org, KeyPurposeId purpose, List<GeneralName> sans) {
        try {
            KeyPair keys = rsaKeys();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(Duration.ofDays(2))), name(cn, org), keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (!sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            return new Identity(pem(sign(b)), pem(keys.getPrivate()));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("could not issue a certificate for " + cn, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private X509Certificate sign(X509v3CertificateBuilder b) throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
    }

    private static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static X500Name name(String cn, String org) {
        X500NameBuilder n = new X500NameBuilder(BCStyle.INSTANCE);
        if (org != null) {
            n.addRDN(BCStyle.O, org);
        }
        n.addRDN(BCStyle.CN, cn);
        return n.build();
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE);
    }

    private static String pem(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            if (o instanceof java.security.PrivateKey k) {
                w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
            } else {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
