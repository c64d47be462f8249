package io.dmremediation.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CRD's CEL rules ({@code x-kubernetes-validations}), evaluated with cel-java the way the API server evaluates
 * them: schema defaults applied first, each rule with {@code self} bound to the object it sits on. The mock server
 * checks no schema, so this is where a rule that is wrong, or that disagrees with {@link SpecValidator} (the second
 * line), shows. A rule the API server could not compile would also fail to compile here.
 */
class CelRulesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN).build();
    static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    static JsonNode specSchema;

    /** One rule where it sits in the schema: the path of properties from spec down to it. */
    record Rule(List<String> path, String expression, String message) {
    }

    @BeforeAll
    static void loadSchema() throws IOException {
        JsonNode crd = new YAMLMapper().readTree(CrdIsCurrentTest.generated());
        specSchema = crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema")
                .path("properties").path("spec");
        assertThat(specSchema.isObject()).isTrue();
    }

    static List<Rule> rules() {
        List<Rule> out = new ArrayList<>();
        collect(specSchema, new ArrayList<>(), out);
        return out;
    }

    private static void collect(JsonNode schema, List<String> path, List<Rule> out) {
        for (JsonNode v : schema.path("x-kubernetes-validations")) {
            out.add(new Rule(List.copyOf(path), v.path("rule").asText(), v.path("message").asText()));
        }
        Iterator<Map.Entry<String, JsonNode>> props = schema.path("properties").fields();
        while (props.hasNext()) {
            Map.Entry<String, JsonNode> p = props.next();
            List<String> next = new ArrayList<>(path);
            next.add(p.getKey());
            collect(p.getValue(), next, out);
        }
    }

    /** The messages of the rules the spec breaks, after the API server's defaulting. */
    static List<String> broken(String specJson) throws Exception {
        JsonNode spec = JSON.readTree(specJson);
        applyDefaults(specSchema, spec);
        List<String> messages = new ArrayList<>();
        for (Rule r : rules()) {
            JsonNode self = spec;
            for (String p : r.path()) {
                self = self.path(p);
            }
            if (self.isMissingNode()) {
                continue; // a rule applies only where its field is present
            }
            CelAbstractSyntaxTree ast = COMPILER.compile(r.expression()).getAst();
            Object result = RUNTIME.createProgram(ast).eval(Map.of("self", toJava(self)));
            if (!Boolean.TRUE.equals(result)) {
                messages.add(r.message());
            }
        }
        return messages;
    }

    /** The structural-schema defaulting the API server does before validation: a missing property gets its default. */
    static void applyDefaults(JsonNode schema, JsonNode value) {
        if (!value.isObject()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> props = schema.path("properties").fields();
        while (props.hasNext()) {
            Map.Entry<String, JsonNode> p = props.next();
            if (!value.has(p.getKey()) && p.getValue().has("default")) {
                ((ObjectNode) value).set(p.getKey(), p.getValue().get("default"));
            }
            if (value.has(p.getKey())) {
                applyDefaults(p.getValue(), value.get(p.getKey()));
            }
        }
    }

    static Object toJava(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> m.put(e.getKey(), toJava(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(e -> l.add(toJava(e)));
            return l;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        return n.asText();
    }

    static List<String> javaProblems(String specJson) throws IOException {
        return SpecValidator.validate(JSON.readValue(specJson, DMRemediationSpec.class));
    }

    @Test
    void everyRuleCompilesAndTheCrossFieldOnesAreThere() throws Exception {
        List<Rule> rules = rules();
        for (Rule r : rules) {
            assertThat(COMPILER.compile(r.expression()).getAst()).as(r.expression()).isNotNull();
        }
        assertThat(rules).extracting(Rule::message).contains(
                "set exactly one of dmClusterRef and masterAddress",
                "verifyTimeout must not be shorter than pollInterval: a remediation could never be verified",
                "initial must not be longer than max",
                "tls.enabled must agree with the scheme of masterAddress (https:// is TLS)");
        // every duration a rule parses has a bounded length, which keeps the rules' estimated cost low
        assertThat(specSchema.path("properties").path("pollInterval").path("maxLength").asInt()).isEqualTo(32);
        assertThat(specSchema.path("properties").path("tasks").path("x-kubernetes-list-type").asText())
                .as("a task named twice is refused by the API server").isEqualTo("set");
    }

    /** Each case: the spec, and the message of the one rule it breaks (empty: valid). The Java validator agrees. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"}}}|",
        "{\"cluster\":{\"masterAddress\":\"http://m:8261\",\"workerSelector\":{\"matchLabels\":{\"a\":\"b\"}}}}|",
        "{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"},\"masterAddress\":\"http://m:8261\"}}|set exactly one of dmClusterRef and masterAddress",
        "{\"cluster\":{}}|set exactly one of dmClusterRef and masterAddress",
        "{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"},\"workerSelector\":{\"matchLabels\":{\"a\":\"b\"}}}}|workerSelector goes only with masterAddress; dmClusterRef selects the DMCluster's dm-worker pods itself",
        "{\"cluster\":{\"masterAddress\":\"http://m:8261\",\"tls\":{\"enabled\":true}}}|tls.enabled must agree with the scheme of masterAddress (https:// is TLS)",
        "{\"cluster\":{\"masterAddress\":\"https://m:8261\",\"tls\":{\"enabled\":false}}}|tls.enabled must agree with the scheme of masterAddress (https:// is TLS)",
        "{\"cluster\":{\"masterAddress\":\"http://m:8261\",\"tls\":{\"secretRef\":{\"name\":\"c\"}}}}|tls.secretRef needs an https:// masterAddress",
        "{\"cluster\":{\"masterAddress\":\"https://m:8261\",\"tls\":{\"enabled\":true,\"secretRef\":{\"name\":\"c\"}}}}|",
        "{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"},\"tls\":{\"enabled\":true,\"secretRef\":{\"name\":\"c\"}}}}|",
        "{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"}},\"verifyTimeout\":\"5s\"}|verifyTimeout must not be shorter than pollInterval: a remediation could never be verified",
        "{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"}},\"verifyTimeout\":\"10s\",\"pollInterval\":\"10s\"}|",
        "{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"}},\"pollInterval\":\"500ms\"}|pollInterval must be at least 1s",
        "{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"}},\"verifyTimeout\":\"4s\",\"pollInterval\":\"1s\"}|verifyTimeout must be at least 5s",
        "{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"}},\"healthyResetAfter\":\"999ms\"}|healthyResetAfter must be at least 1s",
        "{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"}},\"backoff\":{\"initial\":\"1h\"}}|initial must not be longer than max",
        "{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"}},\"backoff\":{\"initial\":\"1h\",\"max\":\"1h30m\"}}|",
        "{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"}},\"jobs\":{\"deadline\":\"9s\"}}|deadline must be at least 10s",
    })
    void theRulesRejectWhatTheJavaValidatorRejects(String spec, String message) throws Exception {
        List<String> broken = broken(spec);
        List<String> java = javaProblems(spec);
        if (message == null) {
            assertThat(broken).as("CEL").isEmpty();
            assertThat(java).as("SpecValidator").isEmpty();
        } else {
            assertThat(broken).as("CEL").containsExactly(message);
            assertThat(java).as("SpecValidator, the second line").isNotEmpty();
        }
    }
}
