/**
 * Diagnosis: a pure function from a DM snapshot to findings (DESIGN, "observe → diagnose → decide").
 *
 * <p>{@link io.dmremediation.diagnosis.Diagnosis#diagnose} is the entry point. Each error is classified in its
 * {@link io.dmremediation.diagnosis.ErrorSite} by {@link io.dmremediation.diagnosis.ErrorClassifier}: first the
 * {@link io.dmremediation.diagnosis.LookAlike} guards (a match makes it unknown), then one rule per FAQ family
 * ({@link io.dmremediation.diagnosis.InvalidConnectionRule}, {@link io.dmremediation.diagnosis.BadConnectionRule},
 * {@link io.dmremediation.diagnosis.RelayOverflowRule}, {@link io.dmremediation.diagnosis.SyncerOverflowRule});
 * {@link io.dmremediation.diagnosis.Verdict} combines the errors of one subtask or relay.
 *
 * <p>Acting on a wrong class does harm (a checkpoint rewritten for an error that is not a 4 GB overflow replays
 * or skips data), so precision beats recall: a rule that is not sure does not match, and the error stays
 * {@code unknown}, which is reported and never acted on. The authority for codes and texts is
 * {@code shared/reference/dm-facts.md} §4 and §5, checked against pingcap/tiflow, go-mysql and MySQL sources.
 */
package io.dmremediation.diagnosis;
