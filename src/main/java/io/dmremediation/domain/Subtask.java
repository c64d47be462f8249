package io.dmremediation.domain;

import java.util.List;

/**
 * A task on one source, as DM-master reports it. {@code canceled} is DM's {@code result.isCanceled}: a pause
 * a person (or an OpenAPI stop) asked for. {@code sync} is null unless the unit reported sync progress.
 */
public record Subtask(String task, String source, String worker, Stage stage, Unit unit, boolean canceled,
                      List<DmError> errors, SyncProgress sync) {

    public Subtask {
        errors = errors == null ? List.of() : List.copyOf(errors);
        stage = stage == null ? Stage.UNKNOWN : stage;
        unit = unit == null ? Unit.UNKNOWN : unit;
    }
}
