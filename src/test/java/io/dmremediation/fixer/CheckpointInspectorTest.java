package io.dmremediation.fixer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The inspection's decision, as a pure function of the rows. */
class CheckpointInspectorTest {

    private static final CheckpointFixRequest REQUEST = CheckpointFixRequest.of("dm_meta", "orders", "s1",
            "mysql-bin.004451", 4, "r1", GtidMode.UNKNOWN);

    private static CheckpointRow row(String table, String file, long pos) {
        return new CheckpointRow("s1", table.isEmpty() ? "" : "db", table, file, pos, "", "", 0L, table.isEmpty());
    }

    private static final List<CheckpointRow> BACKUP = List.of(row("", "mysql-bin.004451", 1234),
            row("t1", "mysql-bin|000001.004451", 77), row("t2", "mysql-bin.004450", 999));

    @Test
    void rowsEqualToTheBackupAreNotApplied() {
        assertThat(CheckpointInspector.verdict(BACKUP, BACKUP, REQUEST)).isEqualTo(FixOutcome.NOT_APPLIED);
    }

    @Test
    void rowsEqualToTheBackupWithTheFixAppliedAreApplied() {
        List<CheckpointRow> fixed = List.of(row("", "mysql-bin.004451", 4), row("t1", "mysql-bin|000001.004451", 4),
                row("t2", "mysql-bin.004450", 999));
        assertThat(CheckpointInspector.verdict(fixed, BACKUP, REQUEST)).isEqualTo(FixOutcome.APPLIED);
    }

    @Test
    void anythingElseIsUnknown() {
        // a row in another file moved too, a row missing, a row added: not what the fix leaves
        assertThat(CheckpointInspector.verdict(List.of(row("", "mysql-bin.004451", 4),
                row("t1", "mysql-bin|000001.004451", 4), row("t2", "mysql-bin.004450", 4)), BACKUP, REQUEST))
                .isEqualTo(FixOutcome.UNKNOWN);
        assertThat(CheckpointInspector.verdict(BACKUP.subList(0, 2), BACKUP, REQUEST)).isEqualTo(FixOutcome.UNKNOWN);
        assertThat(CheckpointInspector.verdict(List.of(), BACKUP, REQUEST)).isEqualTo(FixOutcome.UNKNOWN);
    }

    @Test
    void whenTheFixChangesNothingTheRowsReadAsApplied() {
        // the backup already at the target: both states are one, and safe mode is the safe reading
        List<CheckpointRow> atTarget = List.of(row("", "mysql-bin.004451", 4));
        assertThat(CheckpointInspector.verdict(atTarget, atTarget, REQUEST)).isEqualTo(FixOutcome.APPLIED);
    }

    @Test
    void exitCodes() {
        assertThat(FixOutcome.UNKNOWN.exitCode()).isEqualTo(3);
        assertThat(FixOutcome.REFUSED.exitCode()).isEqualTo(1);
        assertThat(List.of(FixOutcome.FIXED, FixOutcome.ALREADY_APPLIED, FixOutcome.CHECKED, FixOutcome.APPLIED,
                FixOutcome.NOT_APPLIED)).allSatisfy(o -> assertThat(o.exitCode()).isZero());
    }
}
