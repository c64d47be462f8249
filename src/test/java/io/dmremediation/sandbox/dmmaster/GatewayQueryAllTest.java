package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * QueryStatus without a task name ({@code GET /apis/v1alpha1/status/}): every subtask of every bound source in one
 * answer, DM-master's placeholder for tasks whose source has no worker, {@code ?sources=} for some sources only, and
 * gRPC's bound on a worker's answer (38008) and on the whole answer (HTTP 429).
 */
class GatewayQueryAllTest {

    private static final String W0 = "w-0";
    private static final String W1 = "w-1";
    private static final String S1 = "src-a";
    private static final String S2 = "src-b";

    private static DmMasterSimulator twoSources() {
        return SimSupport.fast().worker(W0).worker(W1)
                .source(SourceSpec.source(S1).boundTo(W0).tables("shop.orders"))
                .source(SourceSpec.source(S2).boundTo(W1).tables("crm.accounts"))
                .build();
    }

    @Test
    void withoutANameEveryTaskOfEveryBoundSourceComesInOneAnswer() {
        try (DmMasterSimulator sim = twoSources()) {
            sim.startTask(SimSupport.taskYaml("t-2", false, "dm_meta", S1));
            sim.startTask(SimSupport.taskYaml("t-1", false, "dm_meta", S1));
            sim.startTask(SimSupport.taskYaml("t-3", false, "dm_meta", S2));
            sim.injectInvalidConnection("t-1", S1, Integer.MAX_VALUE);

            JsonNode all = get(sim, "/apis/v1alpha1/status/").json();

            assertThat(all.path("result").asBoolean()).isTrue();
            assertThat(sources(all)).containsExactly(S1, S2);
            JsonNode first = all.path("sources").path(0);
            assertThat(names(first)).containsExactly("t-1", "t-2");
            JsonNode broken = first.path("subTaskStatus").path(0);
            assertThat(broken.path("stage").asText()).isEqualTo("Paused");
            assertThat(broken.path("result").path("errors").path(0).path("RawCause").asText())
                    .isEqualTo("invalid connection");
            assertThat(names(all.path("sources").path(1))).containsExactly("t-3");

            JsonNode one = get(sim, "/apis/v1alpha1/status/?sources=" + S2).json();
            assertThat(sources(one)).containsExactly(S2);
            assertThat(names(one.path("sources").path(0))).containsExactly("t-3");
            JsonNode unknown = get(sim, "/apis/v1alpha1/status/?sources=nope").json();
            assertThat(unknown.path("result").asBoolean()).isFalse();
            assertThat(unknown.path("msg").asText()).isEqualTo("sources [nope] haven't been added");
        }
    }

    @Test
    void aTaskWhoseSourceHasNoWorkerGetsDmMastersPlaceholder() {
        try (DmMasterSimulator sim = twoSources()) {
            sim.startTask(SimSupport.taskYaml("t-1", false, "dm_meta", S1));
            sim.startTask(SimSupport.taskYaml("t-3", false, "dm_meta", S2));
            sim.stopWorker(W1);

            JsonNode all = get(sim, "/apis/v1alpha1/status/").json();

            assertThat(sources(all)).containsExactly(S1, S2);
            JsonNode unbound = all.path("sources").path(1);
            assertThat(unbound.path("result").asBoolean()).isFalse();
            assertThat(unbound.path("msg").asText()).startsWith("can't find task=t-3 from dm-worker for source=" + S2);
            assertThat(unbound.path("sourceStatus").path("worker").asText()).isEqualTo("source not bound");
            assertThat(names(unbound)).containsExactly("t-3");
            assertThat(unbound.path("subTaskStatus").path(0).path("stage").asText()).isEqualTo("InvalidStage");
            assertThat(unbound.path("subTaskStatus").path(0).has("sync")).isFalse();
        }
    }

    @Test
    void answersOverGrpcsBoundFailAsDmsDo() {
        try (DmMasterSimulator sim = twoSources()) {
            for (int i = 0; i < 30; i++) {
                sim.startTask(SimSupport.taskYaml("a-" + i, false, "dm_meta", S1));
            }
            sim.startTask(SimSupport.taskYaml("b-0", false, "dm_meta", S2));
            // a worker's answer over the bound never reaches DM-master: that source's entry says so (38008)
            sim.grpcMaxMessageBytes(1_000);
            JsonNode all = get(sim, "/apis/v1alpha1/status/?sources=" + S1).json();
            assertThat(all.path("sources").path(0).path("result").asBoolean()).isFalse();
            assertThat(all.path("sources").path(0).path("msg").asText()).startsWith("[code=38008:")
                    .contains("ResourceExhausted").contains("received message larger than max");
            assertThat(names(all.path("sources").path(0))).isEmpty();
            // each worker's answer fits, both together do not: the gateway answers 429 (ResourceExhausted)
            sim.grpcMaxMessageBytes(smallestBoundThatPasses(sim, S1));
            SimSupport.Reply tooLarge = get(sim, "/apis/v1alpha1/status/");
            JsonNode b = get(sim, "/apis/v1alpha1/status/?sources=" + S2).json();
            assertThat(tooLarge.status()).isEqualTo(429);
            assertThat(tooLarge.json().path("code").asInt()).isEqualTo(8);
            assertThat(tooLarge.json().path("message").asText()).startsWith("grpc: received message larger than max (");
            assertThat(names(b.path("sources").path(0))).containsExactly("b-0");
        }
    }

    @Test
    void theOperatorsClientAsksForLessAtATimeOnlyWhenDmCannotAnswerAll() {
        try (DmMasterSimulator sim = twoSources()) {
            for (int i = 0; i < 30; i++) {
                sim.startTask(SimSupport.taskYaml("a-" + i, false, "dm_meta", S1));
            }
            sim.startTask(SimSupport.taskYaml("b-0", false, "dm_meta", S2));
            sim.injectBadConnection("a-7", S1, Integer.MAX_VALUE);
            var conn = io.dmremediation.dm.DmMasterClients.connect(sim.url());
            conn.detect();

            sim.clearRequests();
            assertThat(conn.status(List.of()).taskNames()).hasSize(31);
            assertThat(paths(sim)).containsExactly("GET /apis/v1alpha1/status/");

            sim.grpcMaxMessageBytes(smallestBoundThatPasses(sim, S1));
            sim.clearRequests();
            var bySource = conn.status(List.of());
            assertThat(bySource.taskNames()).hasSize(31);
            assertThat(bySource.subtasksOf("a-7").get(0).errors().get(0).rawCause()).isEqualTo("driver: bad connection");
            assertThat(paths(sim)).containsExactly("GET /apis/v1alpha1/status/", "GET /api/v1/cluster/workers",
                    "GET /apis/v1alpha1/status/?sources=" + S1, "GET /apis/v1alpha1/status/?sources=" + S2);

            sim.grpcMaxMessageBytes(1_000);
            sim.clearRequests();
            var byTask = conn.status(List.of());
            conn.status(List.of());
            assertThat(byTask.taskNames()).hasSize(31);
            assertThat(byTask.subtasksOf("a-7").get(0).errors().get(0).rawCause()).isEqualTo("driver: bad connection");
            // the paused task's detail is asked once in its pause episode; the healthy ones never
            assertThat(paths(sim)).containsExactly("GET /api/v1/cluster/workers",
                    "GET /apis/v1alpha1/status/?sources=" + S1, "GET /apis/v1alpha1/status/?sources=" + S2,
                    "GET /api/v1/tasks?with_status=true", "GET /apis/v1alpha1/status/a-7",
                    "GET /api/v1/tasks?with_status=true");
        }
    }

    private static List<String> paths(DmMasterSimulator sim) {
        return sim.requests().stream().map(r -> r.method() + " " + r.path() + (r.query().isEmpty() ? "" : "?" + r.query()))
                .toList();
    }

    /** The smallest bound at which the source's worker answer reaches DM-master: its size. */
    private static int smallestBoundThatPasses(DmMasterSimulator sim, String source) {
        int low = 1;
        int high = 1 << 20;
        while (low < high) {
            int mid = (low + high) / 2;
            sim.grpcMaxMessageBytes(mid);
            SimSupport.Reply r = get(sim, "/apis/v1alpha1/status/?sources=" + source);
            boolean passes = r.status() == 200 && r.json().path("sources").path(0).path("result").asBoolean();
            if (passes) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    private static List<String> sources(JsonNode reply) {
        List<String> out = new ArrayList<>();
        reply.path("sources").forEach(s -> out.add(s.path("sourceStatus").path("source").asText()));
        return out;
    }

    private static List<String> names(JsonNode entry) {
        List<String> out = new ArrayList<>();
        entry.path("subTaskStatus").forEach(s -> out.add(s.path("name").asText()));
        return out;
    }
}
