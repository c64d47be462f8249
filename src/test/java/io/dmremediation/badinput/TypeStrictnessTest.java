package io.dmremediation.badinput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dmremediation.diagnosis.Diagnosis;
import io.dmremediation.dm.DmBadReplyException;
import io.dmremediation.dm.DmErrorReplyException;
import io.dmremediation.dm.DmStatusJson;
import io.dmremediation.dm.Samples;
import io.dmremediation.domain.DmSnapshot;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every field of a real reply swapped, one at a time, to every JSON type (and removed): the parsers are strict about
 * the fields they read and lenient about the rest (DM adds fields between versions, dm-facts §3.1). A swap to a type
 * the field may have gives a snapshot; any other swap of a field that is read gives {@link DmBadReplyException}
 * naming the field; a swap of a field that is not read changes nothing. The table of what each read field accepts is
 * written from DM's schema (dmworker.proto via jsonpb, gen.types.go), independently of the parser.
 */
class TypeStrictnessTest {

    enum Kind {
        STRING, DIGITS, NEGATIVE_DIGITS, EMPTY_STRING, NUMBER, BIG_NUMBER, FLOAT, TRUE, FALSE, NULL, OBJECT, ARRAY, MISSING;

        JsonNode node() {
            JsonNodeFactory f = JsonNodeFactory.instance;
            return switch (this) {
                case STRING -> TextNode.valueOf("x");
                case DIGITS -> TextNode.valueOf("42");
                case NEGATIVE_DIGITS -> TextNode.valueOf("-5");
                case EMPTY_STRING -> TextNode.valueOf("");
                case NUMBER -> f.numberNode(42);
                case BIG_NUMBER -> f.numberNode(BigInteger.TEN.pow(30));
                case FLOAT -> f.numberNode(1.5);
                case TRUE -> f.booleanNode(true);
                case FALSE -> f.booleanNode(false);
                case NULL -> f.nullNode();
                case OBJECT -> f.objectNode();
                case ARRAY -> f.arrayNode();
                case MISSING -> null;
            };
        }
    }

    static final Set<Kind> STRINGS = EnumSet.of(Kind.STRING, Kind.DIGITS, Kind.NEGATIVE_DIGITS, Kind.EMPTY_STRING);
    static final Set<Kind> OPT_STRING = union(STRINGS, Kind.NULL, Kind.MISSING);
    static final Set<Kind> OPT_OBJECT = EnumSet.of(Kind.OBJECT, Kind.NULL, Kind.MISSING);
    static final Set<Kind> OPT_ARRAY = EnumSet.of(Kind.ARRAY, Kind.NULL, Kind.MISSING);
    static final Set<Kind> OPT_BOOL = EnumSet.of(Kind.TRUE, Kind.FALSE, Kind.NULL, Kind.MISSING);
    /** jsonpb int64: a string of digits, or a number from OpenAPI; absent reads as 0. */
    static final Set<Kind> INT64 = EnumSet.of(Kind.NUMBER, Kind.DIGITS, Kind.NEGATIVE_DIGITS, Kind.NULL, Kind.MISSING);
    /** ProcessError.ErrCode: int32, a JSON number (protojson also accepts a string of digits); required. */
    static final Set<Kind> INT32 = EnumSet.of(Kind.NUMBER, Kind.DIGITS, Kind.NEGATIVE_DIGITS);

    private static Set<Kind> union(Set<Kind> a, Kind... more) {
        Set<Kind> s = EnumSet.copyOf(a);
        s.addAll(List.of(more));
        return s;
    }

    /** query-status (QueryStatusListResponse) on the paused 10006 sample: what each read field accepts. */
    static Map<String, Set<Kind>> queryStatusFields() {
        String st = "sources[0].subTaskStatus[0]";
        String err = st + ".result.errors[0]";
        Map<String, Set<Kind>> m = new LinkedHashMap<>();
        m.put("result", EnumSet.of(Kind.TRUE));
        m.put("sources", EnumSet.of(Kind.ARRAY));
        // an empty object in place of an entry lacks its required fields; a removed entry is just one source fewer
        m.put("sources[0]", EnumSet.of(Kind.MISSING));
        m.put("sources[0].result", EnumSet.of(Kind.TRUE, Kind.FALSE));
        m.put("sources[0].sourceStatus", EnumSet.of(Kind.OBJECT));
        m.put("sources[0].sourceStatus.source", OPT_STRING);
        m.put("sources[0].sourceStatus.worker", OPT_STRING);
        m.put("sources[0].sourceStatus.result", OPT_OBJECT);
        // an empty relayStatus object lacks the required stage
        m.put("sources[0].sourceStatus.relayStatus", EnumSet.of(Kind.NULL, Kind.MISSING));
        m.put("sources[0].subTaskStatus", OPT_ARRAY);
        m.put(st, EnumSet.of(Kind.MISSING));
        m.put(st + ".name", STRINGS);
        m.put(st + ".stage", STRINGS);
        m.put(st + ".unit", OPT_STRING);
        m.put(st + ".result", OPT_OBJECT);
        m.put(st + ".result.isCanceled", OPT_BOOL);
        m.put(st + ".result.errors", OPT_ARRAY);
        m.put(err, EnumSet.of(Kind.MISSING));
        m.put(err + ".ErrCode", INT32);
        for (String f : List.of("ErrClass", "ErrScope", "ErrLevel", "Message", "RawCause", "Workaround")) {
            m.put(err + "." + f, OPT_STRING);
        }
        m.put(st + ".sync", OPT_OBJECT);
        m.put(st + ".sync.totalEvents", INT64);
        for (String f : List.of("masterBinlog", "syncerBinlog", "masterBinlogGtid", "syncerBinlogGtid", "binlogType")) {
            m.put(st + ".sync." + f, OPT_STRING);
        }
        m.put(st + ".sync.synced", OPT_BOOL);
        return m;
    }

    /** OpenAPI task status (GetTaskStatusResponse, SubTaskStatus of gen.types.go:501-549). */
    static Map<String, Set<Kind>> openApiStatusFields() {
        Map<String, Set<Kind>> m = new LinkedHashMap<>();
        m.put("data", EnumSet.of(Kind.ARRAY));
        m.put("data[0]", EnumSet.of(Kind.MISSING));
        m.put("data[0].name", STRINGS);
        m.put("data[0].source_name", STRINGS);
        for (String f : List.of("worker_name", "stage", "unit", "error_msg")) {
            m.put("data[0]." + f, OPT_STRING);
        }
        m.put("data[0].sync_status", OPT_OBJECT);
        m.put("data[0].sync_status.total_events", INT64);
        for (String f : List.of("master_binlog", "syncer_binlog", "master_binlog_gtid", "syncer_binlog_gtid",
                "binlog_type")) {
            m.put("data[0].sync_status." + f, OPT_STRING);
        }
        m.put("data[0].sync_status.synced", OPT_BOOL);
        return m;
    }

    @Test
    void queryStatusIsStrictAboutWhatItReadsOnly() {
        List<String> problems = check(Samples.read(Samples.PAUSED_10006), queryStatusFields(),
                DmStatusJson::parseQueryStatus);
        assertThat(problems).isEmpty();
    }

    @Test
    void openApiStatusIsStrictAboutWhatItReadsOnly() {
        List<String> problems = check(Seeds.openApiStatus(Seeds.openApiSubTask("Paused", "Sync", Seeds.ERROR_MSG_V62,
                "remote")), openApiStatusFields(), DmStatusJson::parseOpenApiTaskStatus);
        assertThat(problems).isEmpty();
    }

    @Test
    void theTopLevelResultFalseIsDmsRefusal() {
        ObjectNode reply = Seeds.tree(Samples.read(Samples.PAUSED_10006));
        reply.put("result", false);
        assertThat(catchThrowable(() -> DmStatusJson.parseQueryStatus(reply.toString())))
                .isInstanceOf(DmErrorReplyException.class);
    }

    private static List<String> check(String seed, Map<String, Set<Kind>> fields, Function<String, DmSnapshot> parse) {
        List<String> problems = new ArrayList<>();
        int cases = 0;
        List<String> paths = Mutator.slots(Seeds.tree(seed)).stream().map(Mutator.Slot::path).toList();
        assertThat(paths).containsAll(fields.keySet());
        for (String path : paths) {
            for (Kind kind : Kind.values()) {
                ObjectNode root = Seeds.tree(seed);
                Mutator.Slot slot = Mutator.slots(root).stream().filter(s -> s.path().equals(path)).findFirst()
                        .orElseThrow();
                if (kind == Kind.MISSING) {
                    if (slot.key() != null) {
                        ((ObjectNode) slot.parent()).remove(slot.key());
                    } else {
                        ((ArrayNode) slot.parent()).remove(slot.index());
                    }
                } else {
                    slot.set(kind.node());
                }
                cases++;
                // a field the table does not list is not read: any type, or none, is fine
                boolean accepted = fields.getOrDefault(path, EnumSet.allOf(Kind.class)).contains(kind);
                String what = path + " as " + kind;
                try {
                    DmSnapshot s = parse.apply(root.toString());
                    Diagnosis.diagnose(s);
                    if (!accepted) {
                        problems.add(what + ": accepted, a " + kind + " is not what DM sends there");
                    }
                } catch (DmBadReplyException e) {
                    String field = path.substring(path.lastIndexOf('.') + 1);
                    if (accepted) {
                        problems.add(what + ": refused: " + e.getMessage());
                    } else if (!e.getMessage().contains(field)) {
                        problems.add(what + ": the message does not name " + field + ": " + e.getMessage());
                    }
                } catch (DmErrorReplyException e) {
                    // result: false is DM saying no (gateway), whatever else the reply holds
                    if (!(path.equals("result") && kind == Kind.FALSE)) {
                        problems.add(what + ": " + e);
                    }
                } catch (RuntimeException e) {
                    problems.add(what + ": " + e);
                }
            }
        }
        assertThat(cases).isGreaterThan(250);
        return problems;
    }
}
