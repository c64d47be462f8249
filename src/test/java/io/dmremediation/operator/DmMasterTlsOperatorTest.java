package io.dmremediation.operator;

import static io.dmremediation.operator.OperatorTestSupport.awaitStatus;
import static io.dmremediation.operator.OperatorTestSupport.condition;
import static io.dmremediation.operator.OperatorTestSupport.conditionIs;
import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.ClusterTls;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.SecretRef;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.tls.TestPki;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real operator against a DM-master that serves TLS with a CA this test makes (DMCluster spec.tlsCluster.enabled):
 * TiDB Operator's {@code <cluster>-dm-client-secret} is used by default, {@code spec.cluster.tls.secretRef} names
 * another Secret, and a missing Secret or a certificate from the wrong CA gives a Degraded message that says which.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DmMasterTlsOperatorTest {

    TestPki pki;
    SandboxWorld world;

    @BeforeAll
    void start() throws Exception {
        pki = new TestPki("dm-cluster-ca");
        // the server certificate names DM-master's in-cluster Service and, for the sandbox's local port, 127.0.0.1
        TestPki.Issued server = pki.server("basic-dm-master", "basic-dm-master", "basic-dm-master.dm",
                "basic-dm-master.dm.svc", "127.0.0.1");
        world = SandboxWorld.builder().database(false).dmMasterTls(pki.serverContext(server)).build();
        world.startOperator();
        world.startTask("orders", SandboxWorld.SOURCE_1);
    }

    @AfterAll
    void stop() {
        world.close();
    }

    void secret(String name, byte[] ca, TestPki.Issued client) {
        SecretBuilder b = new SecretBuilder().withNewMetadata().withName(name).withNamespace(SandboxWorld.NAMESPACE)
                .endMetadata().addToStringData("ca.crt", new String(ca));
        if (client != null) {
            b.addToStringData("tls.crt", client.certPem()).addToStringData("tls.key", client.keyPem());
        }
        world.client().resource(b.build()).createOr(r -> r.update());
    }

    DMRemediation guard(String name, String secretRef) {
        DMRemediation r = world.remediation(name, "orders");
        if (secretRef != null) {
            r.getSpec().cluster.tls = new ClusterTls();
            r.getSpec().cluster.tls.secretRef = new SecretRef();
            r.getSpec().cluster.tls.secretRef.name = secretRef;
        }
        world.apply(r);
        return r;
    }

    @Test
    void theDmClusterSaysTlsAndTidbOperatorsClientSecretIsUsedByDefault() {
        secret("basic-dm-client-secret", pki.ca(), pki.client("dm-client"));
        guard("by-default", null);
        awaitStatus(world, "by-default", s -> "Healthy".equals(s.phase));
        assertThat(conditionIs(world.status("by-default"), "Degraded", "False")).isTrue();
        // the operator reads the DMCluster for its spec.tlsCluster and never falls back to http
        assertThat(world.dm().requests()).isNotEmpty();
    }

    @Test
    void anotherSecretByNameAndAWrongCaIsDegradedWithTheReason() {
        TestPki stranger = new TestPki("not-the-cluster-ca");
        secret("wrong-ca", stranger.ca(), pki.client("dm-client-2"));
        guard("wrong-ca", "wrong-ca");
        // the first handshake of a JVM can outlast the sandbox's 1 s connect timeout on a busy machine: wait for the
        // poll that got as far as the certificate
        awaitStatus(world, "wrong-ca", s -> "Degraded".equals(s.phase) && condition(s, "Degraded")
                .map(c -> c.getMessage().contains("TLS with DM-master at https://")).orElse(false));
        String message = condition(world.status("wrong-ca"), "Degraded").orElseThrow().getMessage();
        assertThat(message).contains("not signed by the CA we trust");

        // the right CA in the named Secret: it recovers
        secret("wrong-ca", pki.ca(), pki.client("dm-client-2"));
        awaitStatus(world, "wrong-ca", s -> "Healthy".equals(s.phase));
    }

    @Test
    void aMissingSecretIsDegradedAndNamesIt() {
        guard("no-secret", "does-not-exist");
        awaitStatus(world, "no-secret", s -> "Degraded".equals(s.phase));
        String message = condition(world.status("no-secret"), "Degraded").orElseThrow().getMessage();
        assertThat(message).contains("the DM-master TLS Secret dm/does-not-exist does not exist");
        assertThat(condition(world.status("no-secret"), "Degraded").orElseThrow().getReason())
                .isEqualTo("DMMasterUnreachable");
    }

    @Test
    void aSecretWithoutClientCertificateIsRefusedByDmMaster() {
        secret("ca-only", pki.ca(), null);
        guard("ca-only", "ca-only");
        awaitStatus(world, "ca-only", s -> "Degraded".equals(s.phase) && condition(s, "Degraded")
                .map(c -> c.getMessage().contains("client certificate")).orElse(false));
        assertThat(world.status("ca-only").phase).isEqualTo("Degraded");
    }
}
