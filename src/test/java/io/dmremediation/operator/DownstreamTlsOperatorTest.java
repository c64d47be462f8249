package io.dmremediation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.tls.TestPki;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end: a CA in the downstream Secret reaches the credentials check through the Job's Secret volume, and the
 * check then insists on a verified TLS connection. The sandbox's downstream is not signed by that CA, so the check
 * refuses, says why, and nothing is stopped: no fallback to an unverified or plain-text connection.
 */
class DownstreamTlsOperatorTest {

    SandboxWorld world;

    @BeforeEach
    void setUp() {
        world = SandboxWorld.builder().build();
        world.startOperator();
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    @Test
    void aCaInTheSecretMakesTheCheckVerifyTlsAndAnUnverifiableDownstreamChangesNothing() {
        TestPki pki = new TestPki("not-the-downstreams-ca");
        world.client().secrets().inNamespace(SandboxWorld.NAMESPACE).withName(SandboxWorld.DOWNSTREAM_SECRET)
                .edit(s -> {
                    s.getData().put("ca.crt", java.util.Base64.getEncoder().encodeToString(pki.ca()));
                    return s;
                });
        world.startTask("orders", SandboxWorld.SOURCE_1);
        world.apply(world.remediation("guard", "orders"));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> "Healthy".equals(world.get("guard").getStatus().phase));

        world.dm().injectInvalidConnection("orders", SandboxWorld.SOURCE_1, Integer.MAX_VALUE);

        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
            DMRemediation r = world.get("guard");
            assertThat(r.getStatus().history).isNotEmpty();
            assertThat(r.getStatus().history.get(0).outcome).isEqualTo("Failed");
        });
        String detail = world.get("guard").getStatus().history.get(0).detail;
        assertThat(detail).contains("TLS with the downstream").contains("nothing was changed");
        assertThat(world.dm().stopCount("orders")).as("the task was never stopped").isZero();
    }
}
