package io.dmremediation.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this build does not know in a spec, kept instead of failing the decode: a field it has no property for, or
 * an enum value it has no constant for. A CRD newer than the operator (an upgrade in progress, a
 * {@code helm rollback}) must not stop the operator through its informer, and the resource is then reported
 * {@code Invalid} naming each such field, never acted on with part of its spec ignored. Both are written back to
 * JSON, so a copy of the resource (JOSDK clones what it hands to a reconcile) still carries them. The CRD schema
 * does not see them ({@code @SchemaSwap} on {@link DMRemediation}).
 */
public abstract class Lenient {

    private final Map<String, Object> unknownFields = new LinkedHashMap<>();
    private final Map<String, String> unknownValues = new LinkedHashMap<>();

    @JsonAnySetter
    void unknownField(String name, Object value) {
        unknownFields.put(name, value);
    }

    @JsonAnyGetter
    Map<String, Object> anyFields() {
        Map<String, Object> all = new LinkedHashMap<>(unknownFields);
        all.putAll(unknownValues);
        return all;
    }

    /** Fields this build has no property for, with their values. */
    public Map<String, Object> unknownFields() {
        return unknownFields;
    }

    /** Enum fields whose value this build has no constant for. */
    public Map<String, String> unknownValues() {
        return unknownValues;
    }

    /** The constant named {@code value}, or null with the value kept as unknown. */
    protected final <E extends Enum<E>> E known(Class<E> type, String property, String value) {
        unknownValues.remove(property);
        if (value == null) {
            return null;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(value)) {
                return e;
            }
        }
        unknownValues.put(property, value);
        return null;
    }
}
