package io.dmremediation.fixer;

import static io.dmremediation.fixer.CheckpointTables.FILE;
import static io.dmremediation.fixer.CheckpointTables.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.sandbox.dmmaster.CheckpointTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Backup + rewrite + verify of a source with 10,000 table rows, as a Job does it: every row in the affected file
 * rewritten, the rest untouched, the backup whole. How long it takes is the checkpoint benchmark's business
 * ({@code Bench --only checkpoint}), not this test's.
 */
class CheckpointRewriteScaleTest {

    private static final int TABLE_ROWS = 10_000;

    @Test
    void rewritesTenThousandRowsInOnePass() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.create(schema, "big");
        CheckpointTable.fillForOverflow(CheckpointTables.admin(), schema, "big", SOURCE, FILE, "mysql-bin.004450",
                TABLE_ROWS);

        CheckpointFixReport report = new CheckpointFixer().fix(CheckpointTables.adminSettings(),
                CheckpointFixRequest.of(schema, "big", SOURCE, FILE, 4, "scale", GtidMode.UNKNOWN));

        assertThat(report.outcome()).as(report.message()).isEqualTo(FixOutcome.FIXED);
        assertThat(report.after()).hasSize(1 + TABLE_ROWS - TABLE_ROWS / 10);
        assertThat(report.untouched()).hasSize(TABLE_ROWS / 10);
        List<String> counts = CheckpointTables.rows("SELECT binlog_pos = 4, COUNT(*) FROM `" + schema
                + "`.big_syncer_checkpoint GROUP BY 1 ORDER BY 1");
        assertThat(counts).containsExactly("0 | " + TABLE_ROWS / 10, "1 | " + (1 + TABLE_ROWS - TABLE_ROWS / 10));
        assertThat(CheckpointTables.rows("SELECT COUNT(*) FROM `" + schema + "`.big_syncer_checkpoint_bak_scale"))
                .containsExactly(String.valueOf(TABLE_ROWS + 1));
    }
}
