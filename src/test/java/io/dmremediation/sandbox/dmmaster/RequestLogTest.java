package io.dmremediation.sandbox.dmmaster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What tests can see of the requests, and that passwords never end up there. */
class RequestLogTest {

    @Test
    void requestsAreRecordedWithPasswordsBlanked() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            SimSupport.startTask(sim, SimSupport.taskYaml("rl-log", true));
            SimSupport.get(sim, "/apis/v1alpha1/status/rl-log?sources=" + SimSupport.SOURCE);
            SimSupport.putJson(sim, "/api/v1/tasks/rl-log",
                    "{\"task\": {\"name\": \"rl-log\", \"target_config\": {\"password\": \"hunter2\"}}}");

            List<RecordedRequest> posts = sim.requests("POST", "/apis/v1alpha1/tasks");
            assertThat(posts).hasSize(1);
            assertThat(posts.get(0).body()).contains("safe-mode: true").contains("password: ******")
                    .doesNotContain("s3cret-pw");
            assertThat(sim.requests("PUT", "/api/v1/").get(0).body()).contains("\"password\": \"******\"")
                    .doesNotContain("hunter2");
            RecordedRequest status = sim.requests("GET", "/apis/v1alpha1/status/").get(0);
            assertThat(status.query()).isEqualTo("sources=" + SimSupport.SOURCE);
            assertThat(status.time()).isNotNull();
            assertThat(sim.requests()).hasSize(3);
            assertThat(sim.countRequests(null, "/api/")).isEqualTo(1);
        }
    }

    @Test
    void redactionCoversYamlAndJsonForms() {
        assertThat(RequestLog.redact("password: abc\nuser: u")).isEqualTo("password: ******\nuser: u");
        assertThat(RequestLog.redact("{\"task\": \"a: 1\\n  password: 'x y'\\n\"}"))
                .isEqualTo("{\"task\": \"a: 1\\n  password: ******\\n\"}");
        assertThat(RequestLog.redact("{\"password\":\"p\"}")).isEqualTo("{\"password\":\"******\"}");
    }
}
