package io.dmremediation.cli;

import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Finding;
import java.util.List;

/**
 * The exit code of {@code diagnose}, so a script can tell "fine" from "the FAQ has a fix for this" from "DM reports an
 * error the FAQ does not cover". Pure.
 */
final class DiagnoseExit {

    /** Nothing wrong: every task healthy (or nothing to read but healthy status). */
    static final int HEALTHY = 0;
    /** At least one FAQ error with a known fix (RestartTask, FixRelayMeta, FixSyncerCheckpoint). */
    static final int FAQ_ERROR = 3;
    /** Errors, none of them one the FAQ covers: a human reads them. */
    static final int OTHER_ERROR = 4;

    private DiagnoseExit() {
    }

    static int of(List<Finding> findings) {
        if (findings.stream().anyMatch(f -> f.errorClass() != ErrorClass.UNKNOWN)) {
            return FAQ_ERROR;
        }
        return findings.isEmpty() ? HEALTHY : OTHER_ERROR;
    }
}
