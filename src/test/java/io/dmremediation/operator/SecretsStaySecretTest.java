package io.dmremediation.operator;

import static io.dmremediation.operator.OperatorTestSupport.awaitStatus;
import static io.dmremediation.operator.OperatorTestSupport.guardHealthy;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dmremediation.sandbox.SandboxWorld;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * After a restart and a checkpoint fix, the downstream password appears in no log line, status, Event, Job argument
 * or Job environment value; the Jobs take it by Secret reference only.
 */
class SecretsStaySecretTest {

    SandboxWorld world;
    ListAppender<ILoggingEvent> logs;
    Logger root;

    @BeforeEach
    void setUp() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        world = SandboxWorld.builder().build();
        world.startOperator();
    }

    @AfterEach
    void tearDown() {
        world.close();
        root.detachAppender(logs);
    }

    @Test
    void thePasswordNeverLeavesItsSecret() {
        guardHealthy(world, world.remediation("guard", "orders"), "orders", SandboxWorld.SOURCE_1);
        world.dm().injectBadConnection("orders", SandboxWorld.SOURCE_1, Integer.MAX_VALUE);
        awaitStatus(world, "guard", s -> s.history.size() == 1 && s.active == null);
        world.dm().injectSyncerOverflow("orders", SandboxWorld.SOURCE_1, "mysql-bin.000002");
        awaitStatus(world, "guard", s -> s.history.size() == 2 && s.active == null);
        assertThat(world.get("guard").getStatus().history).allSatisfy(h -> assertThat(h.outcome).isEqualTo("Succeeded"));

        String password = world.downstreamPassword();
        assertThat(password).hasSizeGreaterThan(8);
        List<String> lines;
        synchronized (logs) { // the appender appends under its own lock while operator threads still log
            lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
        assertThat(lines).as("the operator logged its decisions and steps").anyMatch(l -> l.startsWith("decision task=orders"))
                .anyMatch(l -> l.contains("remediation finished"));
        assertThat(lines).noneMatch(l -> l.contains(password));
        assertThat(Serialization.asYaml(world.get("guard"))).doesNotContain(password);
        assertThat(world.events("guard")).noneMatch(e -> String.valueOf(e.getMessage()).contains(password));
        List<Job> jobs = world.client().batch().v1().jobs().inNamespace(SandboxWorld.NAMESPACE).list().getItems();
        assertThat(jobs).hasSizeGreaterThanOrEqualTo(3);
        for (Job j : jobs) {
            var c = j.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(String.join(" ", c.getArgs())).doesNotContain(password);
            for (EnvVar v : c.getEnv()) {
                assertThat(String.valueOf(v.getValue())).doesNotContain(password);
                if (v.getName().equals("DOWNSTREAM_PASSWORD")) {
                    assertThat(v.getValueFrom().getSecretKeyRef().getName()).isEqualTo(SandboxWorld.DOWNSTREAM_SECRET);
                }
            }
            assertThat(j.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        }
    }
}
