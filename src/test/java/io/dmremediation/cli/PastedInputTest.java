package io.dmremediation.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmremediation.cli.DiagnoseCommandTest.Run;
import io.dmremediation.sandbox.dmmaster.DmMasterSimulator;
import io.dmremediation.sandbox.dmmaster.DmVersion;
import io.dmremediation.sandbox.dmmaster.SourceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code diagnose} reads what people paste (issue 12): start-task and resume-task replies, replies cut off, DM log
 * lines; it prints the DM errors found in them with how sure the class is. The real shapes are in
 * {@code src/test/resources/dm-samples/real-error-shapes.txt}, each with its source.
 */
class PastedInputTest {

    record Shape(String source, String expect, String text) {
        @Override
        public String toString() {
            return source;
        }
    }

    static List<Shape> shapes() throws IOException {
        String all;
        try (InputStream in = PastedInputTest.class.getResourceAsStream("/dm-samples/real-error-shapes.txt")) {
            all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Shape> out = new ArrayList<>();
        String source = null;
        String expect = null;
        StringBuilder text = new StringBuilder();
        for (String line : all.split("\n", -1)) {
            if (line.startsWith("# source: ")) {
                source = line.substring("# source: ".length());
            } else if (line.startsWith("# expect: ")) {
                expect = line.substring("# expect: ".length());
                text.setLength(0);
            } else if (line.equals("# ---")) {
                out.add(new Shape(source, expect, text.toString()));
                source = null;
                expect = null;
            } else if (expect != null) {
                text.append(line).append('\n');
            }
        }
        return out;
    }

    static Stream<Shape> realShapes() throws IOException {
        return shapes().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realShapes")
    void realShapesGiveTheirClassAndConfidence(Shape shape) throws Exception {
        Run r = DiagnoseCommandTest.run(shape.text(), "diagnose");
        // exit 3: an error the DM FAQ has a fix for; 4: errors, none of them the FAQ's (DiagnoseExit)
        int faq = r.findings().stream().anyMatch(f -> !"None".equals(f.get("action").asText())) ? 3 : 4;
        assertThat(r.code()).as(r.err()).isEqualTo(faq);
        List<String> got = new ArrayList<>();
        for (JsonNode f : r.findings()) {
            got.add(f.get("errorClass").asText() + " " + f.get("confidence").asText());
        }
        assertThat(String.join(", ", got)).as(r.out()).isEqualTo(shape.expect());
    }

    @Test
    void theSamplesFileHasEveryKindTheIssueNames() throws IOException {
        List<Shape> shapes = shapes();
        assertThat(shapes).hasSizeGreaterThanOrEqualTo(8);
        assertThat(shapes).allSatisfy(s -> assertThat(s.source()).startsWith("https://github.com/"));
        assertThat(shapes).anySatisfy(s -> assertThat(s.text()).contains("some error occurs in dm-worker"));
        assertThat(shapes).anySatisfy(s -> assertThat(s.text()).contains("[ERROR]"));
    }

    @Test
    void aStartTaskReplyIsReadForTheSourcesAndWorkersItNames() throws Exception {
        Shape reply = shapes().get(0);
        JsonNode f = DiagnoseCommandTest.run(reply.text(), "diagnose").findings().get(0);
        assertThat(f.get("source").asText()).isEqualTo("source2");
        assertThat(f.get("worker").asText()).isEqualTo("dm-127.0.0.1-8272");
        assertThat(f.get("code").asInt()).isEqualTo(10002);
        assertThat(f.get("action").asText()).isEqualTo("RestartTask");
    }

    /** A resume-task reply as the simulator gives it (DM's waitOperationOk): the worker's error, not the wrapper. */
    @Test
    void aResumeTaskReplyOfASubtaskThatFailedAgain() throws Exception {
        try (DmMasterSimulator sim = DmMasterSimulator.builder().version(DmVersion.V8_5)
                .autoResumeCheckInterval(Duration.ofHours(1)).worker("w0")
                .source(SourceSpec.source("src-a").boundTo("w0")).build()) {
            sim.startTask(task("pt-resume"));
            sim.injectInvalidConnection("pt-resume", "src-a", Integer.MAX_VALUE);
            String reply = send(sim, "PUT", "/apis/v1alpha1/tasks/pt-resume", "{\"op\": \"Resume\"}");
            assertThat(reply).contains("some error occurs in dm-worker: ErrCode:10006");
            List<JsonNode> findings = DiagnoseCommandTest.run(reply, "diagnose").findings();
            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.get("errorClass").asText()).isEqualTo("invalid-connection");
                assertThat(f.get("code").asInt()).isEqualTo(10006);
                assertThat(f.get("source").asText()).isEqualTo("src-a");
                assertThat(f.get("confidence").asText()).isEqualTo("medium");
            });
        }
    }

    /** A query-status reply cut off after the error: the error is still read, with low confidence. */
    @Test
    void aQueryStatusCutOffMidWay() throws Exception {
        try (DmMasterSimulator sim = DmMasterSimulator.builder().version(DmVersion.V8_5)
                .autoResumeCheckInterval(Duration.ofHours(1)).worker("w0")
                .source(SourceSpec.source("src-a").boundTo("w0")).build()) {
            sim.startTask(task("pt-cut"));
            sim.injectBadConnection("pt-cut", "src-a", Integer.MAX_VALUE);
            String whole = send(sim, "GET", "/apis/v1alpha1/status/pt-cut", null);
            List<JsonNode> full = DiagnoseCommandTest.run(whole, "diagnose").findings();
            assertThat(full).singleElement().satisfies(f -> {
                assertThat(f.get("errorClass").asText()).isEqualTo("bad-connection");
                assertThat(f.get("confidence").asText()).isEqualTo("high");
            });
            String cut = whole.substring(0, whole.indexOf("\"Workaround\""));
            Run r = DiagnoseCommandTest.run(cut, "diagnose");
            assertThat(r.code()).as("an FAQ error: exit 3 " + r.err()).isEqualTo(3);
            assertThat(r.findings()).singleElement().satisfies(f -> {
                assertThat(f.get("errorClass").asText()).isEqualTo("bad-connection");
                assertThat(f.get("code").asInt()).isEqualTo(10006);
                assertThat(f.get("confidence").asText()).isEqualTo("low");
            });
        }
    }

    @Test
    void textWithoutAnyDmErrorIsStillRefused() {
        Run r = DiagnoseCommandTest.run("{\"result\": true, \"msg\": \"", "diagnose");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("diagnose: ");
    }

    private static String task(String name) {
        return "name: " + name + "\ntask-mode: incremental\ntarget-database:\n  host: 127.0.0.1\n  port: 4000\n"
                + "  user: root\n  password: pw\nmysql-instances:\n  - source-id: src-a\n"
                + "    meta: {binlog-name: mysql-bin.000001, binlog-pos: 4}\n";
    }

    private static String send(DmMasterSimulator sim, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.url() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
