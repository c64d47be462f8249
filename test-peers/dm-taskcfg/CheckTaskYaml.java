import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dmremediation.playbook.TaskYaml;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs TaskYaml's edits over DM's GetCfg fixtures with the hostile strings of TaskYamlTest and asks DM's own decoder
 * (dm-taskcfg decode) what it makes of each result: the password edit must give DM exactly the new password and
 * change nothing else DM sees; the safe-mode edit must turn safe mode on for that source only. Prints one line per
 * case DM sees wrongly and a summary. Run by check.sh.
 */
public class CheckTaskYaml {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String bin = args[0];
        Path fixtures = Path.of(args[1]);
        Field f = Class.forName("io.dmremediation.playbook.TaskYamlTest").getDeclaredField("HOSTILE");
        f.setAccessible(true);
        @SuppressWarnings("unchecked")
        List<String> hostile = (List<String>) f.get(null);
        Map<String, Integer> wrong = new TreeMap<>();
        int cases = 0;
        for (String fixture : List.of("orders-basic.yaml", "orders-hostile.yaml", "orders-single.yaml")) {
            String yaml = Files.readString(fixtures.resolve(fixture), StandardCharsets.UTF_8);
            JsonNode original = decode(bin, yaml);
            for (String password : hostile) {
                cases++;
                check(fixture + " password " + JSON.writeValueAsString(password), "password", wrong,
                        () -> passwordProblem(original, decode(bin, TaskYaml.withTargetPassword(yaml, password)),
                                password));
            }
            for (JsonNode st : original) {
                String source = st.get("subtask").get("source-id").asText();
                cases++;
                check(fixture + " safe-mode " + source, "safe-mode", wrong,
                        () -> safeModeProblem(original, decode(bin, TaskYaml.withSafeMode(yaml, source)), source));
            }
        }
        System.out.println(cases + " cases through DM's decoder, wrong: " + wrong);
        System.exit(wrong.isEmpty() ? 0 : 1);
    }

    /** Runs one case; a problem (or an exception) is printed and counted under its kind. */
    private static void check(String label, String kind, Map<String, Integer> wrong,
                              java.util.concurrent.Callable<String> problem) {
        String found;
        try {
            found = problem.call();
        } catch (Exception e) {
            found = "failed: " + e.getMessage();
        }
        if (found != null) {
            wrong.merge(kind, 1, Integer::sum);
            System.out.println(label + ": " + found);
        }
    }

    private static String passwordProblem(JsonNode original, JsonNode edited, String password) {
        for (JsonNode st : edited) {
            if (!password.equals(st.get("password").asText())) {
                return "DM reads the password as " + st.get("password");
            }
        }
        return sameApartFrom(original, edited, "password");
    }

    private static String safeModeProblem(JsonNode original, JsonNode edited, String source) {
        ArrayNode expected = original.deepCopy();
        for (JsonNode st : expected) {
            if (source.equals(st.get("subtask").get("source-id").asText())) {
                ((ObjectNode) st.get("subtask")).put("safe-mode", true);
            }
        }
        return sameApartFrom(expected, edited, null);
    }

    private static String sameApartFrom(JsonNode expected, JsonNode actual, String ignored) {
        ArrayNode e = expected.deepCopy();
        ArrayNode a = actual.deepCopy();
        if (ignored != null) {
            e.forEach(st -> ((ObjectNode) st).remove(ignored));
            a.forEach(st -> ((ObjectNode) st).remove(ignored));
        }
        return e.equals(a) ? null : "DM sees other values change: " + firstDifference(e, a, "");
    }

    private static String firstDifference(JsonNode e, JsonNode a, String path) {
        if (e.isObject() && a.isObject()) {
            List<String> names = new ArrayList<>();
            e.fieldNames().forEachRemaining(names::add);
            a.fieldNames().forEachRemaining(n -> { if (!names.contains(n)) names.add(n); });
            for (String n : names) {
                if (!java.util.Objects.equals(e.get(n), a.get(n))) {
                    return e.get(n) == null || a.get(n) == null ? path + "/" + n
                            : firstDifference(e.get(n), a.get(n), path + "/" + n);
                }
            }
        }
        if (e.isArray() && a.isArray() && e.size() == a.size()) {
            for (int i = 0; i < e.size(); i++) {
                if (!e.get(i).equals(a.get(i))) {
                    return firstDifference(e.get(i), a.get(i), path + "[" + i + "]");
                }
            }
        }
        return path + ": " + e + " -> " + a;
    }

    private static JsonNode decode(String bin, String yaml) throws Exception {
        Process p = new ProcessBuilder(bin, "decode").redirectErrorStream(false).start();
        p.getOutputStream().write(yaml.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("DM refuses the config: " + err.strip());
        }
        return JSON.readTree(out);
    }
}
