package io.dmremediation.policy;

/**
 * How a guarded task looked on one poll, reduced to what memory cares about: healthy (every subtask runs
 * without errors), erroring (a finding), or neither (stopped, paused by a human, missing, loading…).
 */
public enum TaskObservation {
    HEALTHY, ERRORING, OTHER
}
