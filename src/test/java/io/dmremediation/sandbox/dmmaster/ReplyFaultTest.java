package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.SOURCE;
import static io.dmremediation.sandbox.dmmaster.SimSupport.get;
import static io.dmremediation.sandbox.dmmaster.SimSupport.operate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Faults in how DM-master answers: every kind, every scope, and that they end. */
class ReplyFaultTest {

    private static final String STATUS = "/apis/v1alpha1/status/rf";

    private static DmMasterSimulator sim() {
        DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build();
        sim.startTask(SimSupport.taskYaml("rf", false));
        return sim;
    }

    @Test
    void http500AndGarbage() {
        try (DmMasterSimulator sim = sim()) {
            sim.replyFault(Fault.http500(), 1);
            assertThat(get(sim, STATUS).status()).isEqualTo(500);
            assertThat(get(sim, STATUS).status()).isEqualTo(200);

            sim.replyFault(Fault.garbage(), 1);
            SimSupport.Reply g = get(sim, STATUS);
            assertThat(g.status()).isEqualTo(200);
            assertThatThrownBy(() -> SimSupport.MAPPER.readTree(g.body())).isInstanceOf(JsonProcessingException.class);
        }
    }

    @Test
    void dmErrorIsTheRoutesFailureReplyAndIsNotApplied() {
        try (DmMasterSimulator sim = sim()) {
            sim.replyFault(Fault.dmError(), 2);
            SimSupport.Reply status = get(sim, STATUS);
            assertThat(status.status()).isEqualTo(200);
            assertThat(status.json().path("result").asBoolean()).isFalse();
            assertThat(status.json().path("msg").asText()).startsWith("[code=38032:class=dm-master");
            assertThat(status.json().path("sources").isArray()).isTrue();

            SimSupport.Reply pause = operate(sim, "rf", "Pause");
            assertThat(pause.json().path("op").asText()).isEqualTo("Pause");
            assertThat(pause.json().path("result").asBoolean()).isFalse();
            assertThat(sim.subtaskStage("rf", SOURCE)).isEqualTo("Running");

            sim.replyFault(Fault.dmError(ErrorCatalog.taskNotExist("rf")), "/api/v1/");
            SimSupport.Reply oa = get(sim, "/api/v1/tasks/rf/status");
            assertThat(oa.status()).isEqualTo(400);
            assertThat(oa.json().path("error_code").asInt()).isEqualTo(46018);
            assertThat(get(sim, STATUS).json().path("result").asBoolean()).isTrue();
        }
    }

    @Test
    void truncatedIsAPrefixOfTheRealReply() {
        try (DmMasterSimulator sim = sim()) {
            String full = get(sim, "/apis/v1alpha1/members").body();
            sim.replyFault(Fault.truncated(), 1);
            SimSupport.Reply cut = get(sim, "/apis/v1alpha1/members");
            assertThat(cut.status()).isEqualTo(200);
            assertThat(full).startsWith(cut.body());
            assertThat(cut.body().length()).isLessThan(full.length());
            assertThatThrownBy(() -> SimSupport.MAPPER.readTree(cut.body())).isInstanceOf(JsonProcessingException.class);
        }
    }

    @Test
    void slowAndClose() {
        try (DmMasterSimulator sim = sim()) {
            sim.replyFault(Fault.slow(Duration.ofMillis(300)), 1);
            long t0 = System.nanoTime();
            assertThat(get(sim, STATUS).status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

            // java.net.http retries an idempotent request once on a dropped connection: keep dropping
            sim.replyFault(Fault.close());
            assertThatThrownBy(() -> get(sim, STATUS)).isInstanceOf(UncheckedIOException.class);
            assertThatThrownBy(() -> SimSupport.postJson(sim, "/api/v1/tasks/rf/stop", "{}"))
                    .isInstanceOf(UncheckedIOException.class);
            sim.clearFaults();
            assertThat(sim.subtaskStage("rf", SOURCE)).isEqualTo("Running");
            assertThat(get(sim, STATUS).status()).isEqualTo(200);
        }
    }

    @Test
    void notLeaderForAWhile() {
        try (DmMasterSimulator sim = sim()) {
            sim.replyFault(Fault.notLeader());
            SimSupport.Reply gw = get(sim, STATUS);
            assertThat(gw.status()).isEqualTo(500);
            assertThat(gw.json().path("code").asInt()).isEqualTo(2);
            assertThat(gw.json().path("message").asText()).isEqualTo("[code=38043:class=dm-master:scope=internal:"
                    + "level=high], Message: master is not leader, and can't forward request to leader");
            SimSupport.Reply oa = get(sim, "/api/v1/tasks/rf/status");
            assertThat(oa.status()).isEqualTo(400);
            assertThat(oa.body()).isEmpty();

            // a leader election ends by itself: a fault with a duration goes away without clearFaults
            sim.clearFaults();
            sim.replyFault(Fault.notLeader(), Duration.ofMillis(500));
            await().atMost(Duration.ofSeconds(20)).until(() -> get(sim, STATUS).status() == 200);
        }
    }

    @Test
    void faultsStayUntilClearedAndRequestsAreStillLogged() {
        try (DmMasterSimulator sim = sim()) {
            sim.clearRequests();
            sim.replyFault(Fault.http500());
            for (int i = 0; i < 3; i++) {
                assertThat(get(sim, STATUS).status()).isEqualTo(500);
            }
            sim.clearFaults();
            assertThat(get(sim, STATUS).status()).isEqualTo(200);
            assertThat(sim.countRequests("GET", "/apis/v1alpha1/status/")).isEqualTo(4);
        }
    }
}
