package io.dmremediation.fixer;

import static io.dmremediation.fixer.CheckpointTables.FILE;
import static io.dmremediation.fixer.CheckpointTables.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Backup + rewrite + verify of a source with 10,000 table rows, as a Job does it. The benchmark's target is 2 s;
 * the bound here is loose so a slow CI machine does not fail, but a row-by-row implementation (10k round trips
 * plus per-row verification) would still exceed it.
 */
class CheckpointRewriteScaleTest {

    private static final int TABLE_ROWS = 10_000;

    @Test
    void rewritesTenThousandRowsInOnePass() throws Exception {
        String schema = CheckpointTables.freshSchema("dm_meta");
        CheckpointTables.create(schema, "big");
        CheckpointTables.insert(schema, "big", SOURCE, "", "", FILE, 1234, "", true);
        String url = CheckpointTables.db().jdbcUrl(schema) + "?rewriteBatchedStatements=true";
        try (Connection c = DriverManager.getConnection(url, io.dmremediation.sandbox.EmbeddedMariaDb.ADMIN_USER,
                CheckpointTables.db().adminPassword());
             PreparedStatement ps = c.prepareStatement("INSERT INTO big_syncer_checkpoint (id, cp_schema, cp_table,"
                     + " binlog_name, binlog_pos, binlog_gtid, table_info, is_global) VALUES (?, ?, ?, ?, ?, '', ?, 0)")) {
            for (int i = 0; i < TABLE_ROWS; i++) {
                ps.setString(1, SOURCE);
                ps.setString(2, "db" + (i % 50));
                ps.setString(3, "t" + i);
                // most rows in the affected file (half of them in DM's suffixed form), every tenth in the previous one
                ps.setString(4, i % 10 == 0 ? "mysql-bin.004450" : i % 2 == 0 ? FILE : "mysql-bin|000001.004451");
                ps.setLong(5, 100 + i);
                ps.setString(6, "{\"id\":" + i + ",\"cols\":[{\"name\":\"c\",\"type\":\"int\"}]}");
                ps.addBatch();
            }
            ps.executeBatch();
        }

        long start = System.nanoTime();
        CheckpointFixReport report = new CheckpointFixer().fix(CheckpointTables.adminSettings(),
                CheckpointFixRequest.of(schema, "big", SOURCE, FILE, 4, "scale", GtidMode.UNKNOWN));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("backup + rewrite + verify of " + (TABLE_ROWS + 1) + " rows took " + took.toMillis() + " ms");

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
