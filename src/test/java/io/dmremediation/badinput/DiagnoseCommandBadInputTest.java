package io.dmremediation.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dmremediation.cli.DiagnoseCommand;
import io.dmremediation.diagnosis.Diagnosis;
import io.dmremediation.dm.DmMasterException;
import io.dmremediation.dm.DmStatusJson;
import io.dmremediation.dm.Samples;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diagnose} with hostile names and messages (line breaks, quotes, NUL, U+2028, terminal escapes) and with
 * input too large for it: the output stays one JSON object per finding, one per line, each parsing back to exactly
 * the names DM reported; input over the limits gets one line on stderr and exit code 2, without being read whole.
 */
class DiagnoseCommandBadInputTest {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    record Run(int exit, String stdout, String stderr) {
    }

    static Run run(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new DiagnoseCommand().run(List.of(args), stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run runStdin(String input) {
        return run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), "-");
    }

    static final List<String> HOSTILE = List.of("a\nb", "a\r\nb", "quote\"d", "back\\slash", "nul\u0000", "line\u2028sep",
            "para\u2029sep", "esc\u001B[31mred", "{\"task\":\"forged\"}\n{\"x\":1}", "tab\tbed", "emoji 𝄞 訂單",
            "\u202Ertl", "x".repeat(10_000));

    /** One JSON object per line; returns them. */
    static List<JsonNode> lines(Run r) throws IOException {
        assertThat(r.stdout()).as("stdout ends with its last line").endsWith("\n");
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.stdout().split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            assertThat(line).doesNotContain("\r");
            JsonNode n = Seeds.JSON.readTree(line);
            assertThat(n.isObject()).as(line).isTrue();
            out.add(n);
        }
        return out;
    }

    @Test
    void hostileNamesAndMessagesInAQueryStatusStayOneObjectPerLine() throws IOException {
        for (String name : HOSTILE) {
            ObjectNode reply = Seeds.tree(Seeds.gatewayWithRelayErrors());
            ObjectNode entry = (ObjectNode) reply.withArray("sources").get(0);
            ((ObjectNode) entry.get("sourceStatus")).put("source", name + "-s").put("worker", name + "-w");
            ObjectNode st = (ObjectNode) entry.withArray("subTaskStatus").get(0);
            st.put("name", name + "-t");
            ((ObjectNode) st.get("result").withArray("errors").get(0)).put("RawCause", name + " rawcause");
            String input = reply.toPrettyString();
            int findings = Diagnosis.diagnose(DmStatusJson.parseAny(input)).size();

            Run r = runStdin(input);

            assertThat(r.exit()).as(r.stderr()).isIn(3, 4);
            List<JsonNode> out = lines(r);
            assertThat(out).as(Harness.printable(name)).hasSize(findings).hasSize(2);
            assertThat(out.get(0).get("task").asText()).isEqualTo(name + "-t");
            assertThat(out.get(0).get("source").asText()).isEqualTo(name + "-s");
            assertThat(out.get(0).get("worker").asText()).isEqualTo(name + "-w");
            assertThat(out.get(0).get("message").asText()).endsWith(name + " rawcause");
            assertThat(out.get(1).get("unit").asText()).isEqualTo("Relay");
            assertThat(out.get(1).get("source").asText()).isEqualTo(name + "-s");
        }
    }

    @Test
    void hostilePastedLinesStayOneObjectPerLine() throws IOException {
        // each pasted line is one error: a line break inside a "name" just starts the next error
        long seed = 0xD11A_0007L;
        Random random = new Random(seed);
        List<String> real = Seeds.realErrorLines().subList(0, 6);
        int diagnosed = 0;
        int refusals = 0;
        for (int n = 0; n < 200; n++) {
            StringBuilder input = new StringBuilder();
            int count = 1 + random.nextInt(5);
            for (int i = 0; i < count; i++) {
                String line = real.get(random.nextInt(real.size()));
                String h = HOSTILE.get(random.nextInt(HOSTILE.size())).replace("\u0000", "").replace("\u001B", "");
                input.append(random.nextBoolean() ? line + " " + h : h + " " + line).append('\n');
            }
            String text = input.toString();
            // the command must agree with the library: what parseAny refuses (a line starting with "{" is read as
            // JSON) is exit 2 with one line on stderr; the rest is one JSON line per finding
            Integer findings;
            int expectedExit;
            try {
                var found = Diagnosis.diagnose(DmStatusJson.parseAny(text));
                findings = found.size();
                // 0 nothing found, 3 an FAQ error, 4 only errors the FAQ does not cover
                expectedExit = found.isEmpty() ? 0 : found.stream().anyMatch(f -> f.errorClass()
                        != io.dmremediation.diagnosis.ErrorClass.UNKNOWN) ? 3 : 4;
            } catch (DmMasterException e) {
                findings = null;
                expectedExit = 2;
            }

            Run r = runStdin(text);

            String what = "case " + n + " (seed " + seed + "): " + Harness.shorten(Harness.printable(text), 200);
            if (findings == null) {
                assertThat(r.exit()).as(what).isEqualTo(2);
                assertThat(r.stdout()).as(what).isEmpty();
                assertThat(r.stderr().strip()).as(what).startsWith("diagnose: ").doesNotContain("\n");
                refusals++;
                continue;
            }
            assertThat(r.exit()).as("%s: %s", what, r.stderr()).isEqualTo(expectedExit);
            List<JsonNode> out = lines(r);
            assertThat(out).as(what).hasSize(findings);
            for (JsonNode f : out) {
                assertThat(f.get("task").isNull()).as(what).isTrue();
                assertThat(f.get("errorClass").asText()).as(what).isIn("invalid-connection", "bad-connection",
                        "relay-binlog-overflow", "syncer-binlog-overflow", "unknown");
            }
            diagnosed++;
        }
        assertThat(diagnosed).isGreaterThan(100);
        assertThat(refusals).isGreaterThan(5);
    }

    @Test
    void aFileOverTheSixteenMiBLimitIsOneLineAndExitTwoWithoutReadingIt() throws IOException {
        Path big = tmp.resolve("huge.json");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(17L * MIB);
        }
        Run r = run(new ByteArrayInputStream(new byte[0]), "--file", big.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith("diagnose: cannot read " + big).contains("larger than 16 MiB");
        assertThat(r.stderr().strip()).doesNotContain("\n");
    }

    @Test
    void aFileUnderSixteenButOverTheParsersEightMiBIsOneLineAndExitTwo() throws IOException {
        // 12 MiB of a real-looking reply: read, then refused by the parser's own 8 MiB bound
        String sample = Samples.read(Samples.RUNNING);
        String big = sample.replaceFirst("\"msg\": \"\"", "\"msg\": \"" + "x".repeat(12 * MIB) + "\"");
        Path file = tmp.resolve("big.json");
        Files.writeString(file, big);

        Run r = run(new ByteArrayInputStream(new byte[0]), "--file", file.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith("diagnose: ").contains("larger than 8 MiB");
        assertThat(r.stderr().strip()).doesNotContain("\n");
    }

    @Test
    void anEndlessStdinIsReadOnlyUpToTheLimit() {
        // a stream that would never end: diagnose must stop after 16 MiB + 1 byte, not read until memory runs out
        long[] read = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                read[0]++;
                return '{';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) ' ');
                read[0] += len;
                return len;
            }
        };

        Run r = run(endless, "-");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("diagnose: cannot read").contains("larger than 16 MiB");
        assertThat(r.stderr().strip()).doesNotContain("\n");
        assertThat(read[0]).isLessThanOrEqualTo(16L * MIB + 1 + 64 * 1024);
    }

    @Test
    void binaryInputAndADirectoryAreOneLineAndExitTwo() throws IOException {
        byte[] junk = new byte[64 * 1024];
        new Random(11).nextBytes(junk);
        Path bin = tmp.resolve("core.bin");
        Files.write(bin, junk);
        for (Path p : List.of(bin, tmp)) {
            Run r = run(new ByteArrayInputStream(new byte[0]), "--file", p.toString());
            assertThat(r.exit()).as(p.toString()).isEqualTo(2);
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr()).startsWith("diagnose: ");
            assertThat(r.stderr().strip()).doesNotContain("\n");
        }
    }

    @Test
    void aFileNameWithLineBreaksCannotForgeASecondLine() {
        Path forged = tmp.resolve("missing\ndiagnose: all tasks healthy");
        Run r = run(new ByteArrayInputStream(new byte[0]), "--file", forged.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr().strip()).startsWith("diagnose: cannot read").contains("missing\\u000adiagnose")
                .doesNotContain("\n");
    }
}
