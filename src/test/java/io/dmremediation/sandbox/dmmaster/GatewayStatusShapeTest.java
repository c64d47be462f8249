package io.dmremediation.sandbox.dmmaster;

import static io.dmremediation.sandbox.dmmaster.SimSupport.SOURCE;
import static io.dmremediation.sandbox.dmmaster.SimSupport.status;
import static io.dmremediation.sandbox.dmmaster.SimSupport.subtask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The gateway's query-status reply has exactly the shape of real dmctl output (§3, dm-samples). */
class GatewayStatusShapeTest {

    @Test
    void runningTaskHasTheShapeOfTheRealRunningSample() throws Exception {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("shape-run", false));
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.synced("shape-run", SOURCE));

            JsonNode actual = status(sim, "shape-run");
            JsonNode sample = SimSupport.MAPPER.readTree(DmSamples.RUNNING);
            assertThat(structureDiff(sample, actual, "$")).isEmpty();

            JsonNode st = subtask(actual);
            assertThat(st.path("stage").asText()).isEqualTo("Running");
            assertThat(st.path("result").isNull()).isTrue();
            assertThat(st.path("sync").path("synced").asBoolean()).isTrue();
            assertThat(st.path("sync").path("binlogType").asText()).isEqualTo("remote");
            // int64 as strings, holding numbers
            assertThat(st.path("sync").path("totalEvents").isTextual()).isTrue();
            assertThat(Long.parseLong(st.path("sync").path("totalEvents").asText())).isPositive();
            assertThat(st.path("sync").path("masterBinlog").asText()).isEqualTo("(mysql-bin.000003, 8192)");
            assertThat(st.path("sync").path("syncerBinlog").asText()).isEqualTo("(mysql-bin.000003, 8192)");
        }
    }

    @Test
    void pausedWith10006HasTheShapeOfTheRealPausedSample() throws Exception {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, false).build()) {
            sim.startTask(SimSupport.taskYaml("shape-pause", false));
            sim.injectInvalidConnection("shape-pause", SOURCE, Integer.MAX_VALUE);

            JsonNode actual = status(sim, "shape-pause");
            JsonNode sample = SimSupport.MAPPER.readTree(DmSamples.PAUSED_10006);
            assertThat(structureDiff(sample, actual, "$")).isEmpty();

            JsonNode st = subtask(actual);
            assertThat(st.path("stage").asText()).isEqualTo("Paused");
            JsonNode result = st.path("result");
            assertThat(result.path("isCanceled").asBoolean()).isFalse();
            assertThat(result.path("detail").isNull()).isTrue();
            JsonNode err = result.path("errors").path(0);
            assertThat(err.path("ErrCode").isInt()).isTrue();
            assertThat(err.path("ErrCode").asInt()).isEqualTo(10006);
            assertThat(err.path("ErrClass").asText()).isEqualTo("database");
            assertThat(err.path("ErrScope").asText()).isEqualTo("not-set");
            assertThat(err.path("ErrLevel").asText()).isEqualTo("high");
            assertThat(err.path("Message").asText())
                    .startsWith("startLocation: [position: (mysql-bin.")
                    .contains("gtid-set: ], endLocation: [position: (")
                    .endsWith("]: execute statement failed: commit");
            assertThat(err.path("RawCause").asText()).isEqualTo("invalid connection");
            assertThat(err.path("Workaround").asText()).isEmpty();
        }
    }

    @Test
    void olderVersionsLeaveOutTheFieldsTheirProtosDoNotHave() {
        for (DmVersion v : List.of(DmVersion.V5_4, DmVersion.V6_1)) {
            try (DmMasterSimulator sim = SimSupport.oneSource(v, false).build()) {
                sim.startTask(SimSupport.taskYaml("shape-old", false));
                JsonNode st = subtask(status(sim, "shape-old"));
                assertThat(st.has("validation")).as(v.name()).isFalse();
                assertThat(st.path("sync").has("blockDDLOwner")).as(v.name()).isFalse();
                assertThat(st.path("sync").has("totalRows")).as(v.name()).isFalse();
                assertThat(st.path("sync").has("binlogType")).as(v.name()).isTrue();
            }
        }
    }

    @Test
    void relayEnabledSourceCarriesARelayStatusBlock() {
        try (DmMasterSimulator sim = SimSupport.oneSource(DmVersion.V8_5, true).build()) {
            sim.startTask(SimSupport.taskYaml("shape-relay", false));
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.synced("shape-relay", SOURCE));
            JsonNode relay = status(sim, "shape-relay").path("sources").path(0).path("sourceStatus").path("relayStatus");
            List<String> keys = new ArrayList<>();
            relay.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsExactly("masterBinlog", "masterBinlogGtid", "relaySubDir", "relayBinlog",
                    "relayBinlogGtid", "relayCatchUpMaster", "stage", "result");
            assertThat(relay.path("stage").asText()).isEqualTo("Running");
            assertThat(relay.path("result").isNull()).isTrue();
            assertThat(relay.path("relaySubDir").asText()).endsWith(".000001");
            assertThat(relay.path("relayCatchUpMaster").asBoolean()).isTrue();
            JsonNode st = subtask(status(sim, "shape-relay"));
            assertThat(st.path("sync").path("binlogType").asText()).isEqualTo("local");
            assertThat(st.path("sync").path("syncerBinlog").asText()).isEqualTo("(mysql-bin|000001.000003, 8192)");
        }
    }

    /**
     * Differences in structure: the same keys in objects, the same JSON type for every value, and the first
     * array element compared when both sides have one. Values themselves may differ.
     */
    static List<String> structureDiff(JsonNode expected, JsonNode actual, String path) {
        List<String> diffs = new ArrayList<>();
        if (expected.getNodeType() != actual.getNodeType()) {
            diffs.add(path + ": expected " + expected.getNodeType() + " but was " + actual.getNodeType());
            return diffs;
        }
        if (expected.isObject()) {
            TreeSet<String> ek = new TreeSet<>();
            TreeSet<String> ak = new TreeSet<>();
            expected.fieldNames().forEachRemaining(ek::add);
            actual.fieldNames().forEachRemaining(ak::add);
            if (!ek.equals(ak)) {
                diffs.add(path + ": keys " + ak + " instead of " + ek);
            }
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (actual.has(k)) {
                    diffs.addAll(structureDiff(expected.get(k), actual.get(k), path + "." + k));
                }
            }
        } else if (expected.isArray() && !expected.isEmpty() && !actual.isEmpty()) {
            diffs.addAll(structureDiff(expected.get(0), actual.get(0), path + "[0]"));
        } else if (expected.isArray() && expected.isEmpty() != actual.isEmpty()) {
            diffs.add(path + ": array emptiness differs");
        }
        return diffs;
    }
}
