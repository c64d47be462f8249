package io.dmremediation.domain;

import java.util.List;

/**
 * A source as DM-master reports it: its bound worker, source-level errors, and {@code queryError} when
 * DM-master could not ask the worker (the entry's {@code result: false}, {@code msg}); null otherwise.
 */
public record SourceState(String source, String worker, List<DmError> errors, String queryError) {

    public SourceState {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }
}
