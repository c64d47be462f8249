package io.dmremediation.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates an object against a CRD's {@code openAPIV3Schema} the way the API server's structural schema
 * validation does, for what our CRD uses: {@code type} (object, string, integer, number, boolean, array),
 * {@code required}, {@code enum}, {@code pattern}, {@code minimum}/{@code maximum} (and their exclusive forms),
 * {@code minLength}/{@code maxLength}, {@code minItems}/{@code maxItems}, {@code x-kubernetes-list-type: set},
 * {@code properties},
 * {@code additionalProperties} (maps), {@code items}, {@code x-kubernetes-preserve-unknown-fields} and
 * {@code x-kubernetes-int-or-string}.
 *
 * <p>Unknown fields are reported. The API server prunes them silently (so a typo such as {@code maxAttempt} would
 * quietly fall back to the default); {@code kubectl apply --validate=strict} rejects them. Reporting them keeps
 * examples and test fixtures free of such typos. Nulls count as absent, as the API server prunes nulls of fields
 * that are not {@code nullable}. At the root, {@code apiVersion} and {@code kind} must name the CRD and
 * {@code metadata.name} must be set; the rest of {@code metadata} is ObjectMeta and not the schema's business.
 *
 * <p>Every message starts with the field's path, e.g. {@code spec.policies.badConnection.maxAttempts: Invalid value:
 * 0: should be greater than or equal to 1}.
 */
public final class CrdSchema {

    /** Where the build puts the generated CRD (process-classes), on the test class path. */
    public static final String CRD_RESOURCE = "/META-INF/fabric8/dmremediations.dmremediation.io-v1.yml";

    private static final ObjectMapper YAML = new YAMLMapper();
    private static CrdSchema dmRemediation;

    private final JsonNode schema;
    private final String apiVersion;
    private final String kind;

    private CrdSchema(JsonNode schema, String apiVersion, String kind) {
        this.schema = schema;
        this.apiVersion = apiVersion;
        this.kind = kind;
    }

    /** The DMRemediation CRD as the build generated it (cached). */
    public static synchronized CrdSchema dmRemediation() {
        if (dmRemediation == null) {
            try (InputStream in = CrdSchema.class.getResourceAsStream(CRD_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(CRD_RESOURCE + " is not on the class path: run mvn process-classes");
                }
                dmRemediation = of(YAML.readTree(in), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dmRemediation;
    }

    /** A CRD file's schema for {@code version} (null: the storage version). */
    public static CrdSchema load(Path crdFile, String version) {
        try {
            return of(YAML.readTree(Files.readString(crdFile)), version);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A parsed CustomResourceDefinition's schema for {@code version} (null: the storage version). */
    public static CrdSchema of(JsonNode crd, String version) {
        JsonNode spec = crd.path("spec");
        for (JsonNode v : spec.path("versions")) {
            boolean wanted = version == null ? v.path("storage").asBoolean(false) : version.equals(v.path("name").asText());
            if (wanted) {
                JsonNode schema = v.path("schema").path("openAPIV3Schema");
                if (schema.isMissingNode()) {
                    throw new IllegalArgumentException("version " + v.path("name").asText() + " has no openAPIV3Schema");
                }
                return new CrdSchema(schema, spec.path("group").asText() + "/" + v.path("name").asText(),
                        spec.path("names").path("kind").asText());
            }
        }
        throw new IllegalArgumentException("the CRD has no version " + (version == null ? "marked storage" : version));
    }

    /** Every problem of a DMRemediation object against the generated CRD; empty when it is valid. */
    public static List<String> validate(JsonNode object) {
        return dmRemediation().errors(object);
    }

    /** Every problem of {@code object} against this schema; empty when it is valid. */
    public List<String> errors(JsonNode object) {
        List<String> errors = new ArrayList<>();
        if (object == null || !object.isObject()) {
            errors.add("<root>: Invalid value: must be an object");
            return errors;
        }
        if (!apiVersion.equals(object.path("apiVersion").asText())) {
            errors.add("apiVersion: Invalid value: " + object.path("apiVersion") + ": must be " + apiVersion);
        }
        if (!kind.equals(object.path("kind").asText())) {
            errors.add("kind: Invalid value: " + object.path("kind") + ": must be " + kind);
        }
        JsonNode metadata = object.path("metadata");
        if (!metadata.isObject()) {
            errors.add("metadata: Required value");
        } else if (!metadata.path("name").isTextual() || metadata.path("name").asText().isEmpty()) {
            errors.add("metadata.name: Required value");
        }
        check("", object, schema, errors, true);
        return errors;
    }

    private static void check(String path, JsonNode value, JsonNode schema, List<String> errors, boolean root) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                errors.add(path + ": Invalid value: " + describe(value) + ": must be an integer or a string");
            }
            return;
        }
        String type = schema.path("type").asText("");
        if (!type.isEmpty() && !hasType(value, type)) {
            errors.add(path + ": Invalid value: " + describe(value) + ": must be of type " + type);
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            List<String> allowed = new ArrayList<>();
            for (JsonNode e : schema.path("enum")) {
                allowed.add(e.toString());
                found |= e.equals(value) || (e.isNumber() && value.isNumber() && e.decimalValue().compareTo(value.decimalValue()) == 0);
            }
            if (!found) {
                errors.add(path + ": Unsupported value: " + value + ": supported values: " + String.join(", ", allowed));
            }
        }
        if (value.isTextual()) {
            string(path, value.asText(), schema, errors);
        } else if (value.isNumber()) {
            number(path, value.decimalValue(), schema, errors);
        } else if (value.isArray()) {
            array(path, value, schema, errors);
        } else if (value.isObject()) {
            object(path, value, schema, errors, root);
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            // the API server accepts 2.0 for an integer (JSON has one number type); 2.5 is not one
            case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
    }

    private static void string(String path, String value, JsonNode schema, List<String> errors) {
        if (schema.has("pattern") && !Pattern.compile(schema.path("pattern").asText()).matcher(value).find()) {
            errors.add(path + ": Invalid value: \"" + value + "\": should match '" + schema.path("pattern").asText() + "'");
        }
        int length = value.codePointCount(0, value.length());
        if (schema.has("minLength") && length < schema.path("minLength").asInt()) {
            errors.add(path + ": Invalid value: \"" + value + "\": should be at least " + schema.path("minLength").asInt()
                    + " chars long");
        }
        if (schema.has("maxLength") && length > schema.path("maxLength").asInt()) {
            errors.add(path + ": Too long: may not be longer than " + schema.path("maxLength").asInt());
        }
    }

    private static void number(String path, BigDecimal value, JsonNode schema, List<String> errors) {
        if (schema.has("minimum")) {
            BigDecimal min = schema.path("minimum").decimalValue();
            boolean exclusive = schema.path("exclusiveMinimum").asBoolean(false);
            if (exclusive ? value.compareTo(min) <= 0 : value.compareTo(min) < 0) {
                errors.add(path + ": Invalid value: " + value.toPlainString() + ": should be greater than "
                        + (exclusive ? "" : "or equal to ") + min.stripTrailingZeros().toPlainString());
            }
        }
        if (schema.has("maximum")) {
            BigDecimal max = schema.path("maximum").decimalValue();
            boolean exclusive = schema.path("exclusiveMaximum").asBoolean(false);
            if (exclusive ? value.compareTo(max) >= 0 : value.compareTo(max) > 0) {
                errors.add(path + ": Invalid value: " + value.toPlainString() + ": should be less than "
                        + (exclusive ? "" : "or equal to ") + max.stripTrailingZeros().toPlainString());
            }
        }
    }

    private static void array(String path, JsonNode value, JsonNode schema, List<String> errors) {
        if (schema.has("minItems") && value.size() < schema.path("minItems").asInt()) {
            errors.add(path + ": Invalid value: should have at least " + schema.path("minItems").asInt() + " items");
        }
        if (schema.has("maxItems") && value.size() > schema.path("maxItems").asInt()) {
            errors.add(path + ": Too many: " + value.size() + ": must have at most " + schema.path("maxItems").asInt()
                    + " items");
        }
        if ("set".equals(schema.path("x-kubernetes-list-type").asText())) {
            // a set: the API server refuses a repeated item (found against a real one: issue 14)
            java.util.Set<JsonNode> seen = new java.util.HashSet<>();
            for (int i = 0; i < value.size(); i++) {
                if (!seen.add(value.get(i))) {
                    errors.add(path + "[" + i + "]: Duplicate value: " + value.get(i));
                }
            }
        }
        JsonNode items = schema.path("items");
        if (items.isObject()) {
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if (item.isNull()) {
                    errors.add(path + "[" + i + "]: Invalid value: null: must be of type " + items.path("type").asText("any"));
                } else {
                    check(path + "[" + i + "]", item, items, errors, false);
                }
            }
        }
    }

    private static void object(String path, JsonNode value, JsonNode schema, List<String> errors, boolean root) {
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        boolean preserveUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        for (JsonNode required : schema.path("required")) {
            JsonNode v = value.get(required.asText());
            if (v == null || v.isNull()) {
                errors.add(join(path, required.asText()) + ": Required value");
            }
        }
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String child = join(path, f.getKey());
            if (f.getValue().isNull()) {
                continue;
            }
            if (properties.has(f.getKey())) {
                check(child, f.getValue(), properties.get(f.getKey()), errors, false);
            } else if (additional.isObject()) {
                check(child, f.getValue(), additional, errors, false);
            } else if (root && (f.getKey().equals("apiVersion") || f.getKey().equals("kind")
                    || f.getKey().equals("metadata"))) {
                // checked by errors(); every object has them whatever its schema says
            } else if (!preserveUnknown && !additional.asBoolean(false)) {
                errors.add(child + ": unknown field \"" + f.getKey() + "\" (the API server would prune it silently;"
                        + " kubectl apply --validate=strict rejects it)");
            }
        }
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String describe(JsonNode value) {
        String type = value.isObject() ? "object" : value.isArray() ? "array" : value.isTextual() ? "string"
                : value.isIntegralNumber() ? "integer" : value.isNumber() ? "number" : value.isBoolean() ? "boolean" : "null";
        return "\"" + type + "\"";
    }
}
