package io.dmremediation.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The downstream Jobs get the Secret's TLS files and, for a task whose target-database uses TLS, must use TLS. */
class DownstreamTlsJobTest {

    static final String PLAIN_TASK = "name: orders\ntarget-database:\n  host: tidb\n  port: 4000\n  user: dm\n"
            + "  password: '******'\n";
    static final String TLS_TASK = PLAIN_TASK + "  security:\n    ssl-ca: /var/lib/dm-worker-tls/ca.crt\n"
            + "    ssl-cert: /var/lib/dm-worker-tls/tls.crt\n    ssl-key: /var/lib/dm-worker-tls/tls.key\n";

    @Test
    void aSecuritySectionInTheTargetDatabaseRequiresTls() {
        assertThat(DownstreamTlsRequirement.requiredBy(TLS_TASK)).isTrue();
        assertThat(DownstreamTlsRequirement.requiredBy(PLAIN_TASK)).isFalse();
        assertThat(DownstreamTlsRequirement.requiredBy(PLAIN_TASK + "  security: {}\n")).isFalse();
        assertThat(DownstreamTlsRequirement.requiredBy(PLAIN_TASK + "  security:\n    ssl-ca: ''\n")).isFalse();
        assertThat(DownstreamTlsRequirement.requiredBy(PLAIN_TASK + "  security:\n    ssl-ca-content: LS0t\n")).isTrue();
        assertThat(DownstreamTlsRequirement.requiredBy("::: not yaml")).isFalse();
        assertThat(DownstreamTlsRequirement.requiredBy(null)).isFalse();
    }

    static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst().orElse(null);
    }

    @Test
    void theJobMountsTheSecretsTlsFilesOptionallyAndSaysWhenTlsIsRequired() {
        RemediationSettings s = JobPodSettingsTest.settings(JobPodSettings.DEFAULTS);
        Job plain = JobSpecs.downstreamJob(JobPodSettingsTest.owner(), "dmr-precheck-1", "1", s, "check-downstream",
                List.of());
        Container c = plain.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(c, "DOWNSTREAM_TLS_DIR")).isEqualTo(JobSpecs.DOWNSTREAM_TLS_DIR);
        assertThat(env(c, "DOWNSTREAM_TLS")).isNull();
        Volume tls = plain.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("downstream-tls")).findFirst().orElseThrow();
        assertThat(tls.getSecret().getSecretName()).isEqualTo("tidb-credentials");
        assertThat(tls.getSecret().getOptional()).as("a Secret without TLS keys still mounts").isTrue();
        assertThat(tls.getSecret().getItems()).extracting(i -> i.getKey())
                .containsExactly("ca.crt", "tls.crt", "tls.key").doesNotContain("password");
        assertThat(c.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo(JobSpecs.DOWNSTREAM_TLS_DIR);
            assertThat(m.getReadOnly()).isTrue();
        });

        Job required = JobSpecs.downstreamJob(JobPodSettingsTest.owner(), "dmr-precheck-1", "1", s, "check-downstream",
                List.of(), DownstreamTlsRequirement.requiredBy(TLS_TASK));
        assertThat(env(required.getSpec().getTemplate().getSpec().getContainers().get(0), "DOWNSTREAM_TLS"))
                .isEqualTo("required");
    }
}
