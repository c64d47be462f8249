package io.dmremediation.playbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dmremediation.api.DMRemediation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The repair Jobs take pull secrets, resources, tolerations and security settings from the operator's settings. */
class JobPodSettingsTest {

    static DMRemediation owner() {
        DMRemediation r = new DMRemediation();
        r.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace("dm").withUid("u-1").build());
        return r;
    }

    static RemediationSettings settings(JobPodSettings pod) {
        return new RemediationSettings("tidb-credentials", null, "/var/lib/dm-worker", "dm-worker", false,
                "registry.example/dmr:1", Duration.ofMinutes(10), Duration.ofHours(24), true, pod);
    }

    static final String CHART_JSON = """
            {"imagePullSecrets":[{"name":"regcred"}],
             "resources":{"requests":{"cpu":"250m","memory":"300Mi"},"limits":{"memory":"600Mi"}},
             "tolerations":[{"key":"dedicated","operator":"Equal","value":"dm","effect":"NoSchedule"}],
             "nodeSelector":{"pool":"dm"},
             "podSecurityContext":{"runAsNonRoot":true,"runAsUser":1001,"fsGroup":2000},
             "securityContext":{"readOnlyRootFilesystem":true,"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}
            """;

    @Test
    void downstreamJobsTakeEverySettingFromTheChart() {
        JobPodSettings pod = JobPodSettings.parse(CHART_JSON);
        Job job = JobSpecs.downstreamJob(owner(), "dmr-precheck-1", "1", settings(pod), "check-downstream", List.of());
        PodSpec spec = job.getSpec().getTemplate().getSpec();
        assertThat(spec.getImagePullSecrets()).extracting(s -> s.getName()).containsExactly("regcred");
        assertThat(spec.getTolerations()).extracting(t -> t.getKey()).containsExactly("dedicated");
        assertThat(spec.getNodeSelector()).containsEntry("pool", "dm");
        assertThat(spec.getSecurityContext().getRunAsUser()).isEqualTo(1001L);
        assertThat(spec.getSecurityContext().getFsGroup()).isEqualTo(2000L);
        var c = spec.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("registry.example/dmr:1");
        assertThat(c.getResources().getRequests().get("cpu").toString()).isEqualTo("250m");
        assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("600Mi");
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(spec.getAutomountServiceAccountToken()).as("still no API token").isFalse();
    }

    @Test
    void theRelayJobStaysRootOnTheWorkersNodeWithTheWorkersAndTheChartsTolerations() {
        JobPodSettings pod = JobPodSettings.parse(CHART_JSON);
        Job job = JobSpecs.relayMetaJob(owner(), "1", settings(pod), List.of("--relay-dir", "/var/lib/dm-worker/relay"),
                "node-7", "dm-worker-basic-dm-worker-1",
                List.of(new TolerationBuilder().withKey("worker-only").withOperator("Exists").build()));
        PodSpec spec = job.getSpec().getTemplate().getSpec();
        assertThat(spec.getSecurityContext().getRunAsUser()).as("relay.meta belongs to root").isZero();
        assertThat(spec.getSecurityContext().getRunAsNonRoot()).isFalse();
        assertThat(spec.getSecurityContext().getFsGroup()).as("the rest comes from the chart").isEqualTo(2000L);
        assertThat(spec.getNodeName()).isEqualTo("node-7");
        assertThat(spec.getNodeSelector()).as("pinned by node name; a selector could only contradict it").isNullOrEmpty();
        assertThat(spec.getTolerations()).extracting(t -> t.getKey()).containsExactly("worker-only", "dedicated");
        assertThat(spec.getImagePullSecrets()).extracting(s -> s.getName()).containsExactly("regcred");
    }

    @Test
    void theDefaultsAreTheSettingsTheJobsAlwaysHad() {
        Job job = JobSpecs.downstreamJob(owner(), "dmr-precheck-1", "1", settings(JobPodSettings.parse("")),
                "check-downstream", List.of());
        PodSpec spec = job.getSpec().getTemplate().getSpec();
        assertThat(spec.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(spec.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(spec.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var c = spec.getContainers().get(0);
        assertThat(c.getResources().getRequests().get("memory").toString()).isEqualTo("128Mi");
        assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("256Mi");
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(spec.getImagePullSecrets()).isEmpty();
    }

    @Test
    void aTypoInTheSettingsIsRefusedWithTheReason() {
        assertThatThrownBy(() -> JobPodSettings.parse("{\"tolerationz\":[]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JOB_POD_SETTINGS")
                .hasMessageContaining("tolerationz");
        assertThatThrownBy(() -> JobPodSettings.parse("{\"resources\":\"lots\"}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
