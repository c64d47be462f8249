package io.dmremediation.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every string of {@code shared/dm-samples/real-error-strings.txt}, read from the file, with the class it must
 * get at each site where DM could show it.
 */
class RealErrorStringsTest {

    static final Path SAMPLES = Path.of(System.getProperty("project.basedir", ".")).resolve("../shared/dm-samples");

    private static final Pattern JSON_FIELD =
            Pattern.compile("\"(\\w+)\"\\s*:\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|(-?\\d+))");

    private static final ErrorSite SYNC = ErrorSite.subtask(Unit.SYNC);
    private static final ErrorSite RELAY = ErrorSite.relay();
    private static final ErrorSite TEXT = ErrorSite.textOnly();

    /** One expectation: which entry (by a test on its raw text), where, and the class it must get there. */
    private record Expect(String label, Predicate<String> entry, ErrorSite site, ErrorClass expected) {
    }

    private static final List<Expect> EXPECTED = List.of(
            // tiflow #11384: 10006 begin, RawCause invalid connection
            new Expect("10006 invalid connection", t -> t.startsWith("[code=10006") && t.contains("invalid connection"),
                    SYNC, ErrorClass.INVALID_CONNECTION),
            new Expect("10006 invalid connection", t -> t.startsWith("[code=10006") && t.contains("invalid connection"),
                    TEXT, ErrorClass.INVALID_CONNECTION),
            // docs: 10003 old form
            new Expect("10003 database driver", t -> t.startsWith("[code=10003"), SYNC, ErrorClass.INVALID_CONNECTION),
            new Expect("10003 database driver", t -> t.startsWith("[code=10003"), TEXT, ErrorClass.INVALID_CONNECTION),
            // docs: 30015 Could not open log file (a missing file, not an overflow)
            new Expect("30015 could not open", t -> t.startsWith("[code=30015"), RELAY, ErrorClass.UNKNOWN),
            new Expect("30015 could not open", t -> t.startsWith("[code=30015"), TEXT, ErrorClass.UNKNOWN),
            new Expect("30015 could not open", t -> t.startsWith("[code=30015"), SYNC, ErrorClass.UNKNOWN),
            // unit_test.go:81: 11038's message, checksum mismatch, text only
            new Expect("11038 text checksum", t -> t.startsWith("parse relay log file")
                    && t.endsWith("binlog checksum mismatch, data may be corrupted"), TEXT, ErrorClass.SYNCER_BINLOG_OVERFLOW),
            new Expect("11038 text checksum", t -> t.startsWith("parse relay log file")
                    && t.endsWith("binlog checksum mismatch, data may be corrupted"), SYNC, ErrorClass.SYNCER_BINLOG_OVERFLOW),
            // unit_test.go:82: same, get event err EOF
            new Expect("11038 text EOF", t -> t.startsWith("parse relay log file") && t.contains("get event err EOF"),
                    TEXT, ErrorClass.SYNCER_BINLOG_OVERFLOW),
            new Expect("11038 text EOF", t -> t.startsWith("parse relay log file") && t.contains("get event err EOF"),
                    SYNC, ErrorClass.SYNCER_BINLOG_OVERFLOW),
            new Expect("11038 text EOF", t -> t.startsWith("parse relay log file") && t.contains("get event err EOF"),
                    ErrorSite.subtask(Unit.LOAD), ErrorClass.UNKNOWN),
            // task_checker_test.go:292: tagged 11038
            new Expect("11038 tagged", t -> t.startsWith("[code=11038"), SYNC, ErrorClass.SYNCER_BINLOG_OVERFLOW),
            new Expect("11038 tagged", t -> t.startsWith("[code=11038"), TEXT, ErrorClass.SYNCER_BINLOG_OVERFLOW),
            new Expect("11038 tagged", t -> t.startsWith("[code=11038"), RELAY, ErrorClass.RELAY_BINLOG_OVERFLOW),
            // pingcap/dm #1254: ProcessError fragment, sql: connection is already closed
            new Expect("10006 already closed", t -> t.startsWith("\"ErrCode\""), SYNC, ErrorClass.UNKNOWN),
            new Expect("10006 already closed", t -> t.startsWith("\"ErrCode\""), TEXT, ErrorClass.UNKNOWN));

    private static List<String> entries;

    @BeforeAll
    static void load() throws IOException {
        entries = readEntries(SAMPLES.resolve("real-error-strings.txt"));
    }

    /** Non-comment lines; consecutive JSON field lines form one ProcessError fragment. */
    static List<String> readEntries(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder fragment = null;
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                fragment = flush(out, fragment);
                continue;
            }
            if (l.startsWith("\"")) {
                fragment = fragment == null ? new StringBuilder(l) : fragment.append('\n').append(l);
            } else {
                fragment = flush(out, fragment);
                out.add(l);
            }
        }
        flush(out, fragment);
        return out;
    }

    private static StringBuilder flush(List<String> out, StringBuilder fragment) {
        if (fragment != null) {
            out.add(fragment.toString());
        }
        return null;
    }

    /** The error an entry stands for: a ProcessError fragment joined by hand, or DM's text form. */
    static DmError toError(String entry) {
        if (!entry.startsWith("\"")) {
            return Dm.terror(entry);
        }
        Map<String, String> f = jsonFields(entry);
        return new DmError(Integer.parseInt(f.getOrDefault("ErrCode", "0")), f.get("ErrClass"), f.get("ErrScope"),
                f.get("ErrLevel"), f.get("Message"), f.get("RawCause"), f.get("Workaround"));
    }

    /** First occurrence of each "Key": value pair (string or integer) in a JSON text. */
    static Map<String, String> jsonFields(String json) {
        Map<String, String> f = new HashMap<>();
        Matcher m = JSON_FIELD.matcher(json);
        while (m.find()) {
            String v = m.group(2) != null ? m.group(2).replace("\\\"", "\"").replace("\\\\", "\\") : m.group(3);
            f.putIfAbsent(m.group(1), v);
        }
        return f;
    }

    @Test
    void theFileHoldsTheSevenKnownStrings() {
        assertThat(entries).hasSize(7);
        for (String e : entries) {
            long kinds = EXPECTED.stream().filter(x -> x.entry().test(e)).map(Expect::label).distinct().count();
            assertThat(kinds).as("exactly one expectation family for: " + e).isEqualTo(1);
        }
    }

    @Test
    void theFragmentIsJoinedIntoOneProcessError() {
        DmError e = toError(entries.stream().filter(s -> s.startsWith("\"")).findFirst().orElseThrow());
        assertThat(e.code()).isEqualTo(10006);
        assertThat(e.errClass()).isEqualTo("database");
        assertThat(e.message()).startsWith("startLocation: [position: (mysql-bin.000029, 971322922)")
                .endsWith("execute statement failed: begin");
        assertThat(e.rawCause()).isEqualTo("sql: connection is already closed");
    }

    @Test
    void everyStringGetsItsClassAtEverySite() {
        int checked = 0;
        for (String entry : entries) {
            for (Expect x : EXPECTED) {
                if (x.entry().test(entry)) {
                    Classification c = ErrorClassifier.classify(toError(entry), x.site());
                    assertThat(c.errorClass()).as(x.label() + " at " + x.site() + ": " + c.reason())
                            .isEqualTo(x.expected());
                    assertThat(c.reason()).isNotBlank();
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(EXPECTED.size());
    }

    @Test
    void theLookAlikesAreRecognisedAsSuch() {
        String open = entries.stream().filter(s -> s.startsWith("[code=30015")).findFirst().orElseThrow();
        assertThat(ErrorClassifier.classify(toError(open), RELAY).rule()).isEqualTo("MISSING_BINLOG_FILE");
        String closed = entries.stream().filter(s -> s.startsWith("\"")).findFirst().orElseThrow();
        assertThat(ErrorClassifier.classify(toError(closed), SYNC).rule()).isEqualTo("CONNECTION_CLOSED");
    }
}
