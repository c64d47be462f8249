package io.dmremediation.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code diagnose} for a person: text with the FAQ's steps on a terminal, distinct exit codes, file errors that say why. */
class DiagnoseForPeopleTest {

    static final Path SAMPLES = Path.of(System.getProperty("project.basedir", ".")).resolve("../shared/dm-samples");
    static final String BAD_CONNECTION = "[code=10006:class=database:scope=not-set:level=high], Message: execute "
            + "statement failed: begin, RawCause: driver: bad connection\n";
    static final String RELAY_OVERFLOW = "[code=30029:class=relay-unit:scope=internal:level=high], Message: "
            + "parse relay log file bin.000018 from offset 555 in dir /var/lib/dm-worker/relay/d2e831df.000004: "
            + "binlog checksum mismatch, data may be corrupted\n";

    record Run(int code, String out, String err) {
    }

    static Run run(boolean terminal, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream original = System.out;
        int code;
        // the terminal default applies to the process's own standard output only
        System.setOut(o);
        try {
            code = new DiagnoseCommand(url -> { throw new AssertionError("no DM-master here"); }, () -> terminal)
                    .run(List.of(args), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), System.out,
                            new PrintStream(err, true, StandardCharsets.UTF_8));
        } catch (Args.UsageException e) {
            code = Command.USAGE; // as Main reports it
            err.writeBytes(e.getMessage().getBytes(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void onATerminalAFindingReadsAsTheFaqsStepsAndExitsThree() {
        Run r = run(true, BAD_CONNECTION);
        assertThat(r.code()).isEqualTo(DiagnoseExit.FAQ_ERROR).isEqualTo(3);
        assertThat(r.out()).contains("1 problem found, 1 with a fix in the DM FAQ.")
                .contains("driver: bad connection")
                .contains("DM says: [code 10006]")
                .contains("1. Save the task's config: dmctl get-config task <task>")
                .contains("2. dmctl stop-task <task>")
                .contains("3. dmctl start-task <task>.yaml")
                .contains("RestartTask playbook")
                .doesNotContain("{\"");
    }

    @Test
    void inAPipeItStaysJsonLinesAndOutputOverridesEitherWay() {
        Run piped = run(false, BAD_CONNECTION);
        assertThat(piped.out().strip()).startsWith("{\"task\":").doesNotContain("What to do");
        assertThat(piped.code()).isEqualTo(3);
        assertThat(run(true, BAD_CONNECTION, "--output", "json").out().strip()).startsWith("{\"task\":");
        assertThat(run(false, BAD_CONNECTION, "--output", "text").out()).contains("What to do");
        assertThat(run(false, BAD_CONNECTION, "--output", "yaml").code()).isEqualTo(Command.USAGE);
    }

    @Test
    void theRelayStepsFollowTheDmVersion() {
        Run old = run(false, RELAY_OVERFLOW, "--output", "text", "--dm-version", "5.3.0");
        assertThat(old.out()).contains("DM v5.3").contains("relay.meta").contains("binlog-pos = 4")
                .contains("where <relay-dir> is the source config's relay-dir (DM v5.3)");
        Run newer = run(false, RELAY_OVERFLOW, "--output", "text", "--dm-version", "v8.5.4");
        assertThat(newer.out()).contains("DM v8.5").contains("the DM-worker's relay-dir, when set, wins over the source's");
        assertThat(run(false, RELAY_OVERFLOW, "--output", "text").out()).contains("Give --dm-version");
        assertThat(run(false, RELAY_OVERFLOW, "--dm-version", "latest").code()).isEqualTo(Command.USAGE);
    }

    @Test
    void healthyInputExitsZeroAndSaysSo() throws Exception {
        String healthy = Files.readString(SAMPLES.resolve("dmctl-query-status-task-running-sync.json"));
        Run text = run(true, healthy);
        assertThat(text.code()).isEqualTo(DiagnoseExit.HEALTHY).isZero();
        assertThat(text.out()).startsWith("No errors");
        Run json = run(false, healthy);
        assertThat(json.code()).isZero();
        assertThat(json.out()).isEmpty();
    }

    @Test
    void anErrorTheFaqDoesNotCoverExitsFour() throws Exception {
        Run r = run(true, Files.readString(SAMPLES.resolve("dmctl-query-status-task-paused-sync-db-error-10006.json")));
        assertThat(r.code()).isEqualTo(DiagnoseExit.OTHER_ERROR).isEqualTo(4);
        assertThat(r.out()).contains("none of them one the DM FAQ covers").contains("an error the DM FAQ does not cover");
    }

    @Test
    void fileErrorsSayWhy(@TempDir Path dir) throws Exception {
        Run missing = run(false, "", "--file", dir.resolve("nope.json").toString());
        assertThat(missing.code()).isEqualTo(Command.USAGE);
        assertThat(missing.err().strip()).isEqualTo("diagnose: cannot read " + dir.resolve("nope.json") + ": No such file");

        Run directory = run(false, "", "--file", dir.toString());
        assertThat(directory.err()).contains(": Is a directory");

        Path secret = Files.writeString(dir.resolve("locked.json"), "{}");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        boolean root = Files.isReadable(secret); // root reads anything: then there is no refusal to show
        Run locked = run(false, "", "--file", secret.toString());
        if (!root) {
            assertThat(locked.err()).contains(": Permission denied");
        } else {
            assertThat(InputFiles.why(new java.nio.file.AccessDeniedException(secret.toString())))
                    .isEqualTo("Permission denied");
        }
    }
}
