package io.dmremediation.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Whatever comes in that DM does not send, every parser answers with a one-line {@link DmBadReplyException}. */
class MalformedInputTest {

    private static final Map<String, Function<String, ?>> PARSERS = new TreeMap<>(Map.of(
            "parseQueryStatus", DmStatusJson::parseQueryStatus,
            "parseOpenApiTaskStatus", DmStatusJson::parseOpenApiTaskStatus,
            "parseOpenApiTaskList", DmStatusJson::parseOpenApiTaskList,
            "parseGatewayMembers", DmStatusJson::parseGatewayMembers,
            "parseOpenApiWorkers", DmStatusJson::parseOpenApiWorkers,
            "parseOpenApiSourceStatus", json -> DmStatusJson.parseOpenApiSourceStatus("src-01", json),
            "parseAny", DmStatusJson::parseAny));

    private static final String HTML = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    static Stream<Arguments> badForEveryParser() {
        String paused = Samples.read(Samples.PAUSED_10006);
        Map<String, String> inputs = new LinkedHashMap<>();
        putAll(inputs,
                "empty", "",
                "blank", "  \n\t ",
                "open brace", "{",
                "truncated sample", paused.substring(0, paused.length() / 2),
                "HTML error page", HTML,
                "huge", "{\"x\": \"" + "a".repeat(9 * 1024 * 1024) + "\"}",
                "deeply nested", "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}",
                "binary", "\u0000\u0001\u0002PK\u0003\u0004\uFFFD\uFFFD",
                "JSON array", "[1, 2, 3]",
                "JSON null", "null");
        List<Arguments> out = new ArrayList<>();
        // parseAny reads what people paste: a cut-off reply that still holds a DM error is read (readPasted, below)
        PARSERS.forEach((pn, p) -> inputs.forEach((in, text) -> {
            if (!("parseAny".equals(pn) && "truncated sample".equals(in))) {
                out.add(Arguments.of(pn, in, p, text));
            }
        }));
        return out.stream();
    }

    private static void putAll(Map<String, String> map, String... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
    }

    @ParameterizedTest(name = "{0} refuses {1}")
    @MethodSource("badForEveryParser")
    void everyParserRefusesWhatDmNeverSends(String parser, String input, Function<String, ?> parse, String text) {
        assertThatThrownBy(() -> parse.apply(text))
                .isInstanceOf(DmBadReplyException.class)
                .satisfies(e -> {
                    assertThat(((DmMasterException) e).kind()).isEqualTo(DmMasterException.Kind.BAD_REPLY);
                    assertThat(e.getMessage()).isNotBlank().doesNotContain("\n").hasSizeLessThan(300);
                });
    }

    static Stream<Arguments> wrongTypes() {
        ObjectNode stageNumber = Samples.tree(Samples.PAUSED_10006);
        ((ObjectNode) stageNumber.withArray("sources").get(0).withArray("subTaskStatus").get(0)).put("stage", 5);
        ObjectNode sourcesObject = Samples.tree(Samples.PAUSED_10006);
        sourcesObject.putObject("sources");
        ObjectNode errCodeString = Samples.tree(Samples.PAUSED_10006);
        ((ObjectNode) errCodeString.withArray("sources").get(0).withArray("subTaskStatus").get(0).get("result")
                .withArray("errors").get(0)).put("ErrCode", "ten");
        ObjectNode errCodeHuge = Samples.tree(Samples.PAUSED_10006);
        ((ObjectNode) errCodeHuge.withArray("sources").get(0).withArray("subTaskStatus").get(0).get("result")
                .withArray("errors").get(0)).put("ErrCode", 99_999_999_999L);
        ObjectNode totalEventsText = Samples.tree(Samples.RUNNING);
        ((ObjectNode) totalEventsText.withArray("sources").get(0).withArray("subTaskStatus").get(0).get("sync"))
                .put("totalEvents", "many");
        ObjectNode resultString = Samples.tree(Samples.RUNNING);
        resultString.put("result", "true");
        ObjectNode noSources = Samples.tree(Samples.RUNNING);
        noSources.remove("sources");
        ObjectNode subtaskNoName = Samples.tree(Samples.RUNNING);
        ((ObjectNode) subtaskNoName.withArray("sources").get(0).withArray("subTaskStatus").get(0)).remove("name");
        ObjectNode sourceStatusMissing = Samples.tree(Samples.RUNNING);
        ((ObjectNode) sourceStatusMissing.withArray("sources").get(0)).remove("sourceStatus");
        String openApiStageNumber = OpenApiShapesTest.status(OpenApiShapesTest.subTaskStatus("Running", "Sync", null)
                .replace("\"stage\": \"Running\"", "\"stage\": 5"));
        String openApiDataObject = "{\"total\": 1, \"data\": {}}";
        String openApiErrorMsgNumber = OpenApiShapesTest.status(OpenApiShapesTest.subTaskStatus("Paused", "Sync", "7"));

        return Stream.of(
                Arguments.of("query-status: stage is a number", (Function<String, ?>) DmStatusJson::parseQueryStatus, stageNumber.toString()),
                Arguments.of("query-status: sources is an object", (Function<String, ?>) DmStatusJson::parseQueryStatus, sourcesObject.toString()),
                Arguments.of("query-status: ErrCode is a word", (Function<String, ?>) DmStatusJson::parseQueryStatus, errCodeString.toString()),
                Arguments.of("query-status: ErrCode beyond int32", (Function<String, ?>) DmStatusJson::parseQueryStatus, errCodeHuge.toString()),
                Arguments.of("query-status: totalEvents not a number", (Function<String, ?>) DmStatusJson::parseQueryStatus, totalEventsText.toString()),
                Arguments.of("query-status: result is a string", (Function<String, ?>) DmStatusJson::parseQueryStatus, resultString.toString()),
                Arguments.of("query-status: no sources", (Function<String, ?>) DmStatusJson::parseQueryStatus, noSources.toString()),
                Arguments.of("query-status: subtask without name", (Function<String, ?>) DmStatusJson::parseQueryStatus, subtaskNoName.toString()),
                Arguments.of("query-status: entry without sourceStatus", (Function<String, ?>) DmStatusJson::parseQueryStatus, sourceStatusMissing.toString()),
                Arguments.of("query-status: trailing garbage", (Function<String, ?>) DmStatusJson::parseQueryStatus, Samples.read(Samples.RUNNING) + "}"),
                Arguments.of("query-status: duplicate key", (Function<String, ?>) DmStatusJson::parseQueryStatus, "{\"result\": true, \"result\": false, \"sources\": []}"),
                Arguments.of("OpenAPI status: stage is a number", (Function<String, ?>) DmStatusJson::parseOpenApiTaskStatus, openApiStageNumber),
                Arguments.of("OpenAPI status: data is an object", (Function<String, ?>) DmStatusJson::parseOpenApiTaskStatus, openApiDataObject),
                Arguments.of("OpenAPI status: error_msg is a number", (Function<String, ?>) DmStatusJson::parseOpenApiTaskStatus, openApiErrorMsgNumber),
                Arguments.of("OpenAPI task list: data is an object", (Function<String, ?>) DmStatusJson::parseOpenApiTaskList, openApiDataObject),
                Arguments.of("OpenAPI task list: task without name", (Function<String, ?>) DmStatusJson::parseOpenApiTaskList, "{\"total\": 1, \"data\": [{\"task_mode\": \"all\"}]}"),
                Arguments.of("OpenAPI workers: worker is a string", (Function<String, ?>) DmStatusJson::parseOpenApiWorkers, "{\"total\": 1, \"data\": [\"dm-worker-0\"]}"),
                Arguments.of("members: workers is an object", (Function<String, ?>) DmStatusJson::parseGatewayMembers, "{\"result\": true, \"msg\": \"\", \"members\": [{\"worker\": {\"workers\": {}}}]}"),
                Arguments.of("source status: relay_status is a string", (Function<String, ?>) (j -> DmStatusJson.parseOpenApiSourceStatus("s", j)), "{\"total\": 1, \"data\": [{\"source_name\": \"s\", \"relay_status\": \"Running\"}]}"),
                Arguments.of("parseAny: truncated JSON after a banner", (Function<String, ?>) DmStatusJson::parseAny, "Starting component dmctl\n{\"result\": true, \"sources\": ["));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongTypes")
    void wrongTypesAndMissingPartsAreBadReplies(String what, Function<String, ?> parse, String text) {
        assertThatThrownBy(() -> parse.apply(text)).isInstanceOf(DmBadReplyException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /**
     * Issue 12: {@code diagnose} extracts the DM errors from what people paste instead of refusing it; what it picks
     * out of a cut-off reply is marked recovered (low confidence). The operator's own parsers stay strict (above).
     */
    @Test
    void parseAnyPicksTheErrorOutOfACutOffReplyAndSaysItWasRecovered() {
        String paused = Samples.read(Samples.PAUSED_10006);
        for (String cut : List.of(paused.substring(0, paused.length() / 2),
                "\"ErrCode\": 10006,\n\"Message\": \"unterminated")) {
            Pasted pasted = DmStatusJson.readPasted(cut);
            assertThat(pasted.recovered()).isTrue();
            assertThat(pasted.snapshot().subtasks().stream().flatMap(st -> st.errors().stream()))
                    .anySatisfy(e -> assertThat(e.code()).isEqualTo(10006));
        }
    }

    @Test
    void theMessageNamesTheFieldButNeverQuotesTheReply() {
        ObjectNode reply = Samples.tree(Samples.PAUSED_10006);
        ((ObjectNode) reply.withArray("sources").get(0).withArray("subTaskStatus").get(0)).put("stage", 5);

        assertThatThrownBy(() -> DmStatusJson.parseQueryStatus(reply.toString()))
                .hasMessage("DM reply field sources[0].subTaskStatus[0].stage should be a string, not a number");
        assertThatThrownBy(() -> DmStatusJson.parseQueryStatus("{\"result\": true, \"sources\": [hunter2]}"))
                .isInstanceOf(DmBadReplyException.class)
                .hasMessageStartingWith("DM reply is not valid JSON at line 1")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void cutAndCorruptedSamplesNeverEscapeAsAnotherException() {
        // every prefix at a stride, and random one-character corruptions: a complete result or a typed error, nothing else
        Random random = new Random(42);
        for (String name : List.of(Samples.PAUSED_10006, Samples.RUNNING, Samples.SUMMARY)) {
            String text = Samples.read(name);
            List<String> variants = new ArrayList<>();
            for (int i = 0; i < text.length(); i += 37) {
                variants.add(text.substring(0, i));
            }
            for (int i = 0; i < 300; i++) {
                char[] c = text.toCharArray();
                c[random.nextInt(c.length)] = "{}[]\",:0a-\\ n".charAt(random.nextInt(13));
                variants.add(new String(c));
            }
            for (String v : variants) {
                for (Function<String, ?> p : PARSERS.values()) {
                    try {
                        p.apply(v);
                    } catch (DmMasterException e) {
                        assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
                    }
                }
            }
        }
    }
}
