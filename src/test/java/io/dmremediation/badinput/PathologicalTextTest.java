package io.dmremediation.badinput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dmremediation.diagnosis.Diagnosis;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.dm.DmErrorReplyException;
import io.dmremediation.dm.DmHttpSettings;
import io.dmremediation.dm.GatewayClient;
import io.dmremediation.dm.Samples;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.SourceState;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Unit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Long strings shaped to make a backtracking regex or a quadratic scan blow up, in every string field of every
 * reply shape and in pasted text. DM's messages can legitimately be long (a failed multi-row INSERT is quoted in
 * full), and a reply may be up to 8 MiB: a parse or a diagnosis that is quadratic in such a field hangs the
 * operator's reconcile thread for minutes. Each case must finish within {@link #BUDGET_MS}; linear code needs a few
 * milliseconds for these 30-64 KB strings.
 */
class PathologicalTextTest {

    static final long BUDGET_MS = 3_000;
    private static final int N = 64 * 1024;

    private static final ExecutorService WORKER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pathological-case");
        t.setDaemon(true);
        return t;
    });

    @AfterAll
    static void stop() {
        WORKER.shutdownNow();
    }

    /** Each named after what it attacks. */
    static Map<String, String> strings() {
        return strings(N);
    }

    /**
     * @param n about the length of each string; 32 KiB is enough to make the quadratic and cubic regexes this test
     *          found run for seconds, 64 KiB makes the slower quadratic scans of the diagnosis do so too
     */
    static Map<String, String> strings(int n) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("one long word (secret-key scan)", "a".repeat(n));
        m.put("spaces", " ".repeat(n));
        m.put("spaces in a binlog location", "(" + " ".repeat(n / 4) + ")");
        m.put("spaced words in a binlog location", "(" + " x".repeat(n / 8) + ", y)");
        m.put("repeated 'error 1236'", "error 1236 ".repeat(n / 11));
        m.put("repeated 'file size of relay log'", "file size of relay log ".repeat(n / 23));
        m.put("repeated 'relay log pos'", "relay log pos ".repeat(n / 14));
        m.put("repeated 'execute statement failed: '", "execute statement failed: ".repeat(n / 26) + "invalid connection!");
        m.put("repeated 'password'", "password".repeat(n / 8));
        m.put("password with a long spaced value", "password: " + "x ".repeat(n / 2));
        m.put("newlines", "\n".repeat(n));
        m.put("a thousand terror lines", "[code=10006:class=database:scope=not-set:level=high], Message: x\n".repeat(1000));
        m.put("long digit run after 'need'", "get event err EOF, need " + "1".repeat(n));
        m.put("repeated 'rawcause: '", "rawcause: ".repeat(n / 10));
        m.put("repeated ESC [", "\u001B[".repeat(n / 2));
        m.put("spaces around a word", " ".repeat(n / 2) + "x" + " ".repeat(n / 2));
        m.put("repeated labels", "Message: , RawCause: , Workaround: ".repeat(n / 36));
        return m;
    }

    /** The shapes with the parser that reads them; parseAny reads every one of them too. */
    static Map<String, Harness.Parser> shapes() {
        Map<String, Harness.Parser> m = new LinkedHashMap<>();
        m.put(Seeds.gatewayWithRelayErrors(), Harness.Parser.QUERY_STATUS);
        m.put(Seeds.gatewayWithFailedWorkerQuery(), Harness.Parser.QUERY_STATUS);
        ObjectNode refused = Seeds.JSON.createObjectNode().put("result", false).put("msg", "refused");
        m.put(refused.toString(), Harness.Parser.QUERY_STATUS);
        m.put(Samples.read(Samples.SUMMARY), Harness.Parser.QUERY_STATUS);
        m.put(Seeds.all().get("built:openapi-status-v6.2-error_msg"), Harness.Parser.OPENAPI_TASK_STATUS);
        m.put(Seeds.openApiTaskList(), Harness.Parser.OPENAPI_TASK_LIST);
        m.put(Seeds.gatewayMembers(), Harness.Parser.GATEWAY_MEMBERS);
        m.put(Seeds.openApiWorkers(), Harness.Parser.OPENAPI_WORKERS);
        m.put(Seeds.openApiSourceStatus(), Harness.Parser.OPENAPI_SOURCE_STATUS);
        return m;
    }

    @Test
    void everyStringFieldOfEveryShape() {
        try (Harness h = new Harness("pathological strings in fields", 0, BUDGET_MS)) {
            int n = 0;
            // 32 KiB strings in the reply fields (the field readers went quadratic or cubic); the diagnosis of 64 KiB
            // texts is checked below, and pasted text here
            Map<String, String> strings = strings(N / 2);
            for (Map.Entry<String, Harness.Parser> shape : shapes().entrySet()) {
                ObjectNode root = Seeds.tree(shape.getKey());
                boolean first = true;
                for (Mutator.Slot slot : Mutator.slots(root)) {
                    if (slot.value() == null || !slot.value().isTextual()) {
                        continue;
                    }
                    String original = slot.value().textValue();
                    for (Map.Entry<String, String> s : strings.entrySet()) {
                        slot.set(TextNode.valueOf(s.getValue()));
                        String json = root.toString();
                        h.check(n, s.getKey() + " at " + slot.path(), json, shape.getValue());
                        if (first) {
                            // parseAny scans the whole paste before it hands the JSON to the same readers: once per
                            // shape is enough to cover its own scans
                            h.check(n, s.getKey() + " at " + slot.path(), json, Harness.Parser.PARSE_ANY);
                        }
                        n++;
                    }
                    first = false;
                    slot.set(TextNode.valueOf(original));
                }
            }
            assertThat(h.failures()).as(h.report()).isEmpty();
            assertThat(h.cases()).isGreaterThan(1_500);
        }
    }

    @Test
    void pastedLines() {
        // the plain-text path of diagnose: one line, and the same text after each of DM's terror prefixes
        List<String> prefixes = List.of("", "[code=36069:class=sync-unit:scope=upstream:level=high], Message: ",
                "[code=10006:class=database:scope=not-set:level=high], Message: execute statement failed: ",
                "[code=30015:class=relay-unit:scope=upstream:level=high] ", "\"Message\": \"");
        try (Harness h = new Harness("pathological pasted lines", 0, BUDGET_MS)) {
            int n = 0;
            for (String prefix : prefixes) {
                for (Map.Entry<String, String> s : strings().entrySet()) {
                    h.check(n++, "'" + prefix + "' + " + s.getKey(), prefix + s.getValue(), Harness.Parser.PARSE_ANY);
                }
            }
            assertThat(h.failures()).as(h.report()).isEmpty();
        }
    }

    @Test
    void aPathologicalTaskFileIsMaskedInLinearTime() throws Exception {
        // start-task masks the task file's password values in DM's refusal (SafeText.secretValuesOf over the YAML,
        // then the secret-assignment scan over DM's message): a task file with long blank runs or long secret-like
        // keys must not stall the playbook that restarts the task
        List<String> yamls = List.of("name: t\n" + "\n".repeat(N) + "target-database:\n  password: \"pw\"\n",
                "password".repeat(N / 8) + ": x\n", "  password: x" + " ".repeat(N) + "y\n",
                "password: " + "x ".repeat(N / 2) + "\n");
        try (WireServer dm = new WireServer()) {
            dm.otherwise((req, out) -> WireServer.json("{\"result\": false, \"msg\": \"" + "a".repeat(N)
                    + " password: pw\", \"sources\": []}").respond(req, out));
            GatewayClient gateway = new GatewayClient(dm.url(), DmHttpSettings.DEFAULTS);
            for (String yaml : yamls) {
                Future<Throwable> f = WORKER.submit(() -> catchThrowable(() -> gateway.startTask(yaml)));
                Throwable t;
                try {
                    t = f.get(BUDGET_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("start-task with " + Harness.shorten(Harness.printable(yaml), 80)
                            + " still running after " + BUDGET_MS + " ms");
                }
                assertThat(t).isInstanceOf(DmErrorReplyException.class)
                        .hasMessageNotContaining("password: pw");
            }
        }
    }

    @Test
    void diagnosisOfEveryCodeAtEverySite() throws Exception {
        // the rules read code, class, message and raw cause: the long text in the message and in the raw cause, on a
        // Sync subtask, a subtask without unit, a relay and a source
        // one code per kind of branch: text-only (the shape regexes), execute (the raw-cause checks), a binlog
        // reader's code (the overflow signatures); every code runs the look-alike guards
        int[] codes = {0, 10006, 11038};
        List<String> failures = new ArrayList<>();
        int cases = 0;
        all:
        for (Map.Entry<String, String> s : strings().entrySet()) {
            for (int code : codes) {
                for (boolean inCause : new boolean[] {false, true}) {
                    DmError e = new DmError(code, code / 10000 == 3 ? "relay-unit" : "database", "not-set", "high",
                            inCause ? "execute statement failed: begin" : s.getValue(), inCause ? s.getValue() : "", "");
                    DmSnapshot snap = new DmSnapshot(
                            List.of(new Subtask("t", "s", "w", Stage.PAUSED, Unit.SYNC, false, List.of(e), null),
                                    new Subtask(null, null, null, Stage.UNKNOWN, Unit.UNKNOWN, false, List.of(e), null)),
                            List.of(new Relay("s", "w", Stage.PAUSED, "", null, "", null, false, List.of(e))),
                            List.of(new SourceState("s", "w", List.of(e), s.getValue())), List.of());
                    cases++;
                    Future<List<Finding>> f = WORKER.submit(() -> Diagnosis.diagnose(snap));
                    try {
                        List<Finding> findings = f.get(BUDGET_MS, TimeUnit.MILLISECONDS);
                        if (findings.size() != 5) {
                            failures.add(s.getKey() + " code " + code + ": " + findings.size() + " findings, expected 5");
                        }
                    } catch (TimeoutException t) {
                        failures.add(s.getKey() + " code " + code + (inCause ? " in RawCause" : " in Message")
                                + ": diagnose still running after " + BUDGET_MS + " ms");
                        // the runaway case still holds the worker thread: later cases would only queue behind it
                        break all;
                    }
                }
            }
        }
        assertThat(failures).as("%d cases", cases).isEmpty();
    }
}
