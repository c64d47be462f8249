package io.dmremediation.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dmremediation.sandbox.dmmaster.DmMasterSimulator;
import io.dmremediation.tls.PemTls;
import io.dmremediation.tls.TestPki;
import io.dmremediation.tls.TlsMaterialException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DM-master client over https against the simulator serving TLS with a CA this test makes, and requiring a
 * client certificate as DM-master does: the server certificate and host name are verified, and every way the
 * certificates can be wrong gives a message that says which one.
 */
class DmMasterTlsTest {

    static final DmHttpSettings FAST = DmHttpSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(2))
            .withRequestTimeout(Duration.ofSeconds(3));
    static TestPki pki;
    static TestPki.Issued client;
    static DmMasterSimulator dm;
    static DmMasterSimulator wrongName;

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki("dm-test-ca");
        client = pki.client("dm-client");
        dm = DmMasterSimulator.builder().openApi(true).worker("w0")
                .tls(pki.serverContext(pki.server("basic-dm-master", "basic-dm-master.dm", "localhost", "127.0.0.1")), true)
                .build();
        // a certificate for another host only
        wrongName = DmMasterSimulator.builder().openApi(true).worker("w0")
                .tls(pki.serverContext(pki.server("elsewhere", "elsewhere.example")), true).build();
    }

    @AfterAll
    static void stop() {
        dm.close();
        wrongName.close();
    }

    static DmMaster connect(String url, SSLContext ctx) {
        return DmMasterClients.connect(url, ctx == null ? FAST : FAST.withSslContext(ctx));
    }

    @Test
    void theRightCaAndClientCertificateReachDmMasterAndTheHostNameIsChecked() {
        assertThat(dm.url()).startsWith("https://127.0.0.1:");
        DmMaster m = connect(dm.url(), PemTls.context(pki.ca(), client.cert(), client.key()));
        assertThat(m.taskNames()).contains(List.of());
        assertThat(m.workers()).extracting(w -> w.name()).containsExactly("w0");
        // the same over the name the certificate carries
        DmMaster byName = connect("https://localhost:" + dm.port(), PemTls.context(pki.ca(), client.cert(), client.key()));
        assertThat(byName.workers()).hasSize(1);
    }

    @Test
    void anRsaPkcs1ClientKeyAsCertManagerWritesItWorksToo() {
        TestPki.Issued rsa = pki.rsaPkcs1Client("dm-client-rsa");
        assertThat(rsa.keyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(connect(dm.url(), PemTls.context(pki.ca(), rsa.cert(), rsa.key())).workers()).hasSize(1);
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefusedAndSaysSo() {
        TestPki other = new TestPki("some-other-ca");
        TestPki.Issued otherClient = other.client("c");
        assertThatThrownBy(() -> connect(dm.url(), PemTls.context(other.ca(), otherClient.cert(), otherClient.key())).workers())
                .isInstanceOf(DmUnreachableException.class)
                .hasMessageContaining("TLS with DM-master at " + dm.url() + " failed")
                .hasMessageContaining("not signed by the CA we trust");
        // nor does the JVM's own trust store know the test CA
        assertThatThrownBy(() -> connect(dm.url(), null).workers()).isInstanceOf(DmUnreachableException.class)
                .hasMessageContaining("not signed by the CA we trust");
    }

    @Test
    void aCertificateForAnotherHostIsRefused() {
        assertThatThrownBy(() -> connect(wrongName.url(), PemTls.context(pki.ca(), client.cert(), client.key())).workers())
                .isInstanceOf(DmUnreachableException.class)
                .hasMessageContaining("does not name the host we connect to");
    }

    @Test
    void withoutAClientCertificateDmMasterClosesTheHandshake() {
        assertThatThrownBy(() -> connect(dm.url(), PemTls.context(pki.ca(), null, null)).workers())
                .isInstanceOf(DmUnreachableException.class)
                .hasMessageContaining("DM-master at " + dm.url())
                .hasMessageContaining("client certificate");
        TestPki stranger = new TestPki("stranger-ca");
        TestPki.Issued foreign = stranger.client("intruder");
        assertThatThrownBy(() -> connect(dm.url(), PemTls.context(pki.ca(), foreign.cert(), foreign.key())).workers())
                .isInstanceOf(DmUnreachableException.class).hasMessageContaining("client certificate");
    }

    @Test
    void plainHttpToATlsDmMasterIsNotTakenForAnAnswer() {
        String plain = dm.url().replace("https://", "http://");
        assertThatThrownBy(() -> connect(plain, null).workers()).isInstanceOf(DmMasterException.class);
    }

    @Test
    void brokenMaterialIsNamed() {
        assertThatThrownBy(() -> PemTls.context("not a pem".getBytes(), null, null))
                .isInstanceOf(TlsMaterialException.class).hasMessage("ca.crt holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> PemTls.context(pki.ca(), client.cert(), null))
                .isInstanceOf(TlsMaterialException.class).hasMessage("tls.crt is given without tls.key");
        assertThatThrownBy(() -> PemTls.context(pki.ca(), client.cert(), client.cert()))
                .isInstanceOf(TlsMaterialException.class).hasMessageContaining("tls.key holds no PEM private key");
        TestPki.Issued another = pki.client("another");
        assertThatThrownBy(() -> PemTls.context(pki.ca(), client.cert(), another.key()))
                .isInstanceOf(TlsMaterialException.class).hasMessageContaining("tls.key does not belong to tls.crt");
    }
}
