package io.dmremediation.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sandbox's arguments; the full run of all four scenarios is the README's first command, run by CI. */
class SandboxMainTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SandboxMain.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheScenarios() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        for (Scenario s : Scenario.values()) {
            assertThat(r.out()).contains(s.id());
        }
        assertThat(r.out()).contains("--keep-running");
    }

    @Test
    void anUnknownScenarioOrOptionIsAUsageError() {
        Run r = run("--scenario", "everything");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown scenario 'everything'").contains("invalid-connection");
        assertThat(run("--fast").err()).contains("unknown option --fast");
    }

    @Test
    void oneScenarioPlaysOutAndPasses() {
        Run r = run("--scenario", "syncer-binlog-overflow");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("PASS syncer-binlog-overflow", "Event Warning ErrorDetected",
                "RemediationSucceeded", "kind: \"DMRemediation\"", "FixSyncerCheckpoint ledger: Succeeded");
    }

    @Test
    void theKubeconfigPointsKubectlAtTheSandbox() {
        String k = SandboxMain.kubeconfig("http://127.0.0.1:1234", "dm");
        assertThat(k).contains("server: http://127.0.0.1:1234", "namespace: dm", "current-context: sandbox");
    }
}
