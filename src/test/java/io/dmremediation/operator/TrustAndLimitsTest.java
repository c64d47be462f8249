package io.dmremediation.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.TaskState;
import io.dmremediation.playbook.DownstreamSecret;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fast-layer checks of trust and limits: where the password may go, and one limit per cluster. */
class TrustAndLimitsTest {

    static TaskState row(FastWorld w) {
        return w.status().tasks.stream().filter(t -> t.name.equals(SafetyMatrixTest.TASK)).findFirst().orElseThrow();
    }

    @Test
    void anExplicitAddressGetsThePasswordOnlyWhenTheSecretNamesIt() {
        FastWorld w = new FastWorld();
        w.dm.addTask(SafetyMatrixTest.TASK, SafetyMatrixTest.CONFIG);
        w.dm.breakTask(SafetyMatrixTest.TASK, SafetyMatrixTest.INVALID_CONNECTION);
        DMRemediation r = w.create(SafetyMatrixTest.TASK);
        w.client.resources(DMRemediation.class).inNamespace(w.ns).withName("guard").edit(x -> {
            x.getSpec().cluster.dmClusterRef = null;
            // the same DM-master as the DMCluster's, spelled as a user might
            x.getSpec().cluster.masterAddress = "http://basic-dm-master." + w.ns + ".svc.cluster.local:8261/";
            x.getSpec().cluster.workerSelector = new LabelSelector(null, Map.of("app", "dm-worker"));
            return x;
        });
        w.runUntil(x -> false, 40);

        assertThat(row(w).decision).startsWith("Skip").contains(DownstreamSecret.ALLOWED_MASTERS);
        assertThat(w.dm.stops).isEmpty();

        w.client.secrets().inNamespace(w.ns).withName("tidb-credentials").edit(s -> {
            s.getData().put(DownstreamSecret.ALLOWED_MASTERS, java.util.Base64.getEncoder().encodeToString(
                    ("http://basic-dm-master." + w.ns + ":8261").getBytes()));
            return s;
        });
        w.runUntil(x -> x.getStatus() != null && x.getStatus().history.stream()
                .anyMatch(h -> "Succeeded".equals(h.outcome)), 200);
        assertThat(w.status().history.get(0).outcome).isEqualTo("Succeeded");
        assertThat(w.dm.starts).hasSize(1);
        w.close();
    }
}
