package io.dmremediation.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmremediation.cli.FixRelayMetaCommand;
import io.dmremediation.fixer.Environment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fix-relay-meta} with paths that try to leave the relay dir ({@code ../..}, absolute paths elsewhere,
 * symbolic links pointing outside, a hard link to an outside file) and with relay dirs whose files are huge, binary
 * or mangled. A refusal writes nothing anywhere: every file under the test's temp dir (content, and link targets)
 * is compared before and after. The Job runs as root on the worker's node with the worker's volume mounted, so a
 * write outside the relay dir would land on the node.
 */
class RelayMetaBadInputTest {

    static final String OLD_SUB = "53ea0ed1-9bf8-11e6-8bea-64006a897c73.000001";
    static final String SUB = "53ea0ed1-9bf8-11e6-8bea-64006a897c73.000002";
    static final String FILE = "mysql-bin.004451";
    static final String META = "binlog-name = \"mysql-bin.004451\"\nbinlog-pos = 123456\nbinlog-gtid = \"\"\n";

    @TempDir
    Path tmp;
    Path relay;
    Path outside;

    record Run(int exit, String stdout, String stderr) {
        JsonNode json() {
            assertThat(stdout.strip()).as("one line of JSON on stdout").doesNotContain("\n");
            try {
                return Seeds.JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + stdout, e);
            }
        }
    }

    @BeforeEach
    void relayDirAndAnOutsideDir() throws IOException {
        relay = Files.createDirectories(tmp.resolve("relay"));
        Files.writeString(relay.resolve("server-uuid.index"), OLD_SUB + "\n" + SUB + "\n");
        Files.createDirectories(relay.resolve(OLD_SUB));
        Path sub = Files.createDirectories(relay.resolve(SUB));
        Files.writeString(sub.resolve("relay.meta"), META);
        Files.write(sub.resolve(FILE), new byte[10_000]);
        // a directory that looks like a relay sub-dir, outside the relay dir: what a traversal would reach
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("relay.meta"), META);
        Files.writeString(outside.resolve("server-uuid.index"), SUB + "\n");
        Files.createDirectories(outside.resolve(SUB));
        Files.writeString(outside.resolve(SUB).resolve("relay.meta"), META);
        Files.writeString(outside.resolve("precious"), "node file");
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new FixRelayMetaCommand(Environment.of(Map.of())).run(List.of(args),
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Every path under the temp dir with its content hash, or its link target for a symbolic link. */
    Map<String, String> tree() throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> all = Files.walk(tmp)) {
            for (Path p : all.toList()) {
                String key = tmp.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    m.put(key, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    m.put(key, Files.size(p) > (1 << 20) ? "size " + Files.size(p) : sha(Files.readAllBytes(p)));
                } else {
                    m.put(key, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir" : "other");
                }
            }
        }
        return m;
    }

    private static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs, expects a refusal with this exit code, and that nothing under the temp dir changed. */
    private Run refused(int exit, String... args) throws IOException {
        Map<String, String> before = tree();
        Run r = run(args);
        assertThat(r.exit()).as("exit code; stderr %s", r.stderr()).isEqualTo(exit);
        assertThat(r.json().get("result").asText()).isEqualTo("refused");
        // one line for the Job log: a path with a line break in it must not forge a second log line
        assertThat(r.stderr()).startsWith("fix-relay-meta: ");
        assertThat(r.stderr().strip()).doesNotContain("\n", "\r");
        assertThat(tree()).as("files after the refusal").isEqualTo(before);
        return r;
    }

    @ParameterizedTest(name = "--sub-dir {0}")
    @ValueSource(strings = {"../outside", "../../outside", "..", ".", "/", "/tmp", SUB + "/../../outside",
        "../outside/" + SUB, SUB + "\u0000", SUB + "/", " " + SUB, "53ea0ed1-9bf8-11e6-8bea-64006a897c73.00002%2F..",
        "%2e%2e", "..\\outside"})
    void aSubDirThatIsNotANameIsAUsageError(String subDir) throws IOException {
        refused(2, "--relay-dir", relay.toString(), "--sub-dir", subDir, "--binlog-file", FILE,
                "--remediation-id", "r1");
    }

    @Test
    void relativeRelayDirsAndDotDotAreUsageErrors() throws IOException {
        refused(2, "--relay-dir", "../..", "--binlog-file", FILE, "--remediation-id", "r1");
        refused(2, "--relay-dir", "relay", "--binlog-file", FILE, "--remediation-id", "r1");
        refused(2, "--relay-dir", relay + "/../outside", "--binlog-file", FILE, "--remediation-id", "r1");
        refused(2, "--relay-dir", relay + "/..", "--binlog-file", FILE, "--remediation-id", "r1");
        refused(2, "--relay-dir", relay + "\u0000", "--binlog-file", FILE, "--remediation-id", "r1");
        refused(2, "--relay-dir", "relay\nfix-relay-meta: fixed", "--binlog-file", FILE, "--remediation-id", "r1");
        refused(2, "--relay-dir", relay + "/../x\r\ny", "--binlog-file", FILE, "--remediation-id", "r1");
    }

    @Test
    void hostileFileNamesAndIdsAreUsageErrors() throws IOException {
        for (String file : List.of("../../outside/precious", "/etc/passwd", FILE + "/../../../outside/precious",
                FILE + "\u0000", "mysql-bin|000002/../x.000001")) {
            refused(2, "--relay-dir", relay.toString(), "--binlog-file", file, "--remediation-id", "r1");
        }
        for (String id : List.of("../../outside/precious", "r1/../../x", "r1\u0000", "r".repeat(41), "-r")) {
            refused(2, "--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", id);
        }
    }

    @Test
    void anAbsoluteDirElsewhereThatIsNotARelayDirIsRefused() throws IOException {
        Files.delete(outside.resolve("server-uuid.index"));
        refused(1, "--relay-dir", outside.toString(), "--binlog-file", FILE, "--remediation-id", "r1");
        refused(1, "--relay-dir", "/", "--binlog-file", FILE, "--remediation-id", "r1");
        refused(1, "--relay-dir", tmp.resolve("missing").toString(), "--binlog-file", FILE, "--remediation-id", "r1");
    }

    @Test
    void aSubDirThatIsASymlinkOutsideIsRefused() throws IOException {
        Path sub = relay.resolve(SUB);
        deleteTree(sub);
        Files.createSymbolicLink(sub, outside.resolve(SUB));

        Run r = refused(1, "--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "r1");

        assertThat(r.json().get("message").asText()).contains("symbolic link");
        assertThat(Files.readString(outside.resolve(SUB).resolve("relay.meta"))).isEqualTo(META);
    }

    @Test
    void aRelayMetaThatIsASymlinkOutsideIsRefused() throws IOException {
        Path meta = relay.resolve(SUB).resolve("relay.meta");
        Files.delete(meta);
        Files.createSymbolicLink(meta, outside.resolve("relay.meta"));

        Run r = refused(1, "--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "r1");

        assertThat(r.json().get("message").asText()).contains("symbolic link");
    }

    @Test
    void anIndexThatIsASymlinkIsRefused() throws IOException {
        Path index = relay.resolve("server-uuid.index");
        Files.delete(index);
        Files.createSymbolicLink(index, outside.resolve("server-uuid.index"));

        refused(1, "--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "r1");
    }

    @Test
    void aBackupPathPlantedAsASymlinkOutsideIsNeverWrittenThrough() throws IOException {
        Files.createSymbolicLink(relay.resolve(SUB).resolve("relay.meta.bak-r1"), outside.resolve("precious"));

        refused(1, "--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "r1");

        assertThat(Files.readString(outside.resolve("precious"))).isEqualTo("node file");
    }

    @Test
    void aRelayMetaHardLinkedToAnOutsideFileLeavesThatFileAlone() throws IOException {
        // a hard link is a regular file, so the fix goes ahead; the atomic rename replaces the directory entry and
        // never writes into the shared inode
        Path meta = relay.resolve(SUB).resolve("relay.meta");
        Files.delete(meta);
        Files.createLink(meta, outside.resolve("relay.meta"));

        Run r = run("--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "r1");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.json().get("result").asText()).isEqualTo("fixed");
        assertThat(Files.readString(meta)).isEqualTo(META.replace("123456", "4"));
        assertThat(Files.readString(outside.resolve("relay.meta"))).isEqualTo(META);
    }

    @Test
    void aHugeSparseRelayMetaIsRefusedWithoutReadingIt() throws IOException {
        sparse(relay.resolve(SUB).resolve("relay.meta"), 5L << 30);

        Run r = refused(1, "--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "r1");

        assertThat(r.json().get("message").asText()).contains("a relay.meta is a few lines");
    }

    @Test
    void aHugeSparseIndexIsRefusedWithoutReadingIt() throws IOException {
        // 3 GiB of zero bytes, one "line": reading it whole ran the Job out of memory
        sparse(relay.resolve("server-uuid.index"), 3L << 30);

        long start = System.nanoTime();
        Run r = refused(1, "--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "r1");

        assertThat(r.json().get("message").asText()).contains("server-uuid.index is larger than");
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(5_000);
    }

    @Test
    void aBinaryIndexIsRefused() throws IOException {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        Files.write(relay.resolve("server-uuid.index"), junk);

        refused(1, "--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "r1");
    }

    @Test
    void aRelayMetaThatIsAFifoIsRefusedWithoutBlocking() throws Exception {
        Path meta = relay.resolve(SUB).resolve("relay.meta");
        Files.delete(meta);
        Process mkfifo = new ProcessBuilder("mkfifo", meta.toString()).start();
        assertThat(mkfifo.waitFor()).as("mkfifo").isZero();

        Run r = refused(1, "--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "r1");

        assertThat(r.json().get("message").asText()).contains("not a regular file");
    }

    @ParameterizedTest(name = "{index}")
    @ValueSource(strings = {
        "binlog-name = \"mysql-bin.004451\"\r\nbinlog-pos = 123456\r\nbinlog-gtid = \"\"\r\n",
        "# written by DM\nbinlog-name = 'mysql-bin.004451'   # the file\nbinlog-pos=123_456\n",
        "binlog-gtid = \"\"\nbinlog-pos = +123456\nbinlog-name = \"mysql-bin\\u002e004451\"\nextra-key = true",
        "  binlog-name\t=\t\"mysql-bin.004451\"\n\n\n  binlog-pos = 4294967295\n"})
    void oddButValidRelayMetaIsFixedInPlace(String meta) throws IOException {
        // what a human may have edited: CRLF, comments, literal strings, underscores, a sign, escapes, key order
        Path file = relay.resolve(SUB).resolve("relay.meta");
        Files.writeString(file, meta);

        Run r = run("--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "r1");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.json().get("result").asText()).isEqualTo("fixed");
        assertThat(Files.readString(file)).isEqualTo(meta.replaceAll("(binlog-pos\\s*=\\s*)[+]?[\\d_]+", "$14"));
        assertThat(Files.readString(relay.resolve(SUB).resolve("relay.meta.bak-r1"))).isEqualTo(meta);
    }

    @Test
    void binaryAndMangledRelayMetaIsFixedCorrectlyOrRefusedUntouched() throws IOException {
        // seeded mutations of a real relay.meta (DM's LocalMeta, BurntSushi/toml): a run either fixes it, leaving a
        // file that differs from the original only in binlog-pos, or refuses and leaves every byte as it was
        long seed = 0xD11A_0006L;
        Mutator m = new Mutator(seed);
        Path meta = relay.resolve(SUB).resolve("relay.meta");
        int fixed = 0;
        int refusedCount = 0;
        List<String> problems = new ArrayList<>();
        for (int n = 0; n < 400; n++) {
            byte[] content;
            String what;
            if (n % 10 == 0) {
                content = new byte[1 + n * 10];
                new Random(seed + n).nextBytes(content);
                what = "random bytes";
            } else {
                Mutator.Mutant mutant = m.textual(META);
                content = mutant.text().getBytes(StandardCharsets.UTF_8);
                what = mutant.description();
            }
            Files.write(meta, content);
            Map<String, String> before = tree();
            Run r = run("--relay-dir", relay.toString(), "--binlog-file", FILE, "--remediation-id", "r" + n);
            String where = "case " + n + " (seed " + seed + ", " + what + "): ";
            JsonNode json;
            try {
                json = r.json();
            } catch (AssertionError e) {
                problems.add(where + e.getMessage());
                continue;
            }
            String result = json.get("result").asText();
            byte[] after = Files.readAllBytes(meta);
            if (r.exit() == 1 && result.equals("refused")) {
                refusedCount++;
                if (!tree().equals(before)) {
                    problems.add(where + "refused, but files changed");
                }
            } else if (r.exit() == 0 && (result.equals("fixed") || result.equals("already-applied"))) {
                fixed++;
                String original = new String(content, StandardCharsets.UTF_8);
                String now = new String(after, StandardCharsets.UTF_8);
                if (!now.replaceAll("binlog-pos(\\s*)=(\\s*)\\d+", "binlog-pos$1=$2X")
                        .equals(original.replaceAll("binlog-pos(\\s*)=(\\s*)[+]?[\\d_]+", "binlog-pos$1=$2X"))
                        || !now.matches("(?s).*binlog-pos\\s*=\\s*4\\b.*")) {
                    problems.add(where + "fixed, but the file became " + Harness.printable(now));
                }
            } else {
                problems.add(where + "exit " + r.exit() + " with result " + result);
            }
        }
        assertThat(problems).isEmpty();
        // most mutations of a 60-byte file break it; a few keep it valid (a changed comment-free byte in a value)
        assertThat(fixed).isGreaterThan(5);
        assertThat(refusedCount).isGreaterThan(300);
    }

    private static void sparse(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
