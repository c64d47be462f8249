package io.dmremediation.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LookAlikeTest {

    private static final ErrorSite SYNC = ErrorSite.subtask(Unit.SYNC);

    /** One real-shaped example per guard. */
    private static final Map<LookAlike, DmError> EXAMPLES = new EnumMap<>(LookAlike.class);

    static {
        EXAMPLES.put(LookAlike.PURGED_BINLOG, Dm.getEvent36069(Dm.MYSQL_PURGED));
        EXAMPLES.put(LookAlike.PURGED_GTIDS, Dm.tcpReader30015(Dm.MYSQL_GTID_PURGED));
        EXAMPLES.put(LookAlike.MISSING_BINLOG_FILE, Dm.terror("[code=30015:class=relay-unit:scope=upstream:level=high] "
                + "TCPReader get event: ERROR 1236 (HY000): Could not open log file"));
        EXAMPLES.put(LookAlike.STALE_POSITION, Dm.getEvent36069(Dm.MYSQL_POS_GT_SIZE));
        EXAMPLES.put(LookAlike.MAX_ALLOWED_PACKET, Dm.tcpReader30015(Dm.MYSQL_MAX_PACKET));
        // tiflow issue #3487: the warning DM logs for a relay read error it goes on from (a text-only pasted line)
        EXAMPLES.put(LookAlike.IGNORABLE_READ, DmError.ofText("[WARN] [local_reader.go:559] [\"fail to parse relay log"
                + " file, meet some ignorable error\"] [error=\"get event err EOF, need 8099 but got 978\"]"));
        EXAMPLES.put(LookAlike.SERVER_READ_FAILURE, Dm.getEvent36069("ERROR 1236 (HY000): I/O error reading log event"));
        EXAMPLES.put(LookAlike.CONNECTION_CLOSED, Dm.pe(10006, "database", "not-set", Dm.LOCATION_PREFIX
                + "execute statement failed: begin", "sql: connection is already closed"));
        EXAMPLES.put(LookAlike.CONNECTION_REFUSED, Dm.pe(10001, "database", "not-set", "database driver error",
                "dial tcp 10.0.0.1:4000: connect: connection refused"));
        EXAMPLES.put(LookAlike.IO_TIMEOUT, Dm.pe(10006, "database", "not-set", "execute statement failed: commit",
                "read tcp 10.0.0.2:51234->10.0.0.1:4000: i/o timeout"));
        EXAMPLES.put(LookAlike.BROKEN_PIPE, Dm.pe(10006, "database", "not-set", "execute statement failed: commit",
                "write tcp 10.0.0.2:51234->10.0.0.1:4000: write: broken pipe"));
        EXAMPLES.put(LookAlike.CONNECTION_RESET, Dm.pe(10006, "database", "not-set", "execute statement failed: commit",
                "read tcp 10.0.0.2:51234->10.0.0.1:4000: read: connection reset by peer"));
        EXAMPLES.put(LookAlike.TLS, Dm.pe(10001, "database", "not-set", "database driver error",
                "x509: certificate signed by unknown authority"));
        EXAMPLES.put(LookAlike.DUPLICATE_ENTRY, Dm.pe(10006, "database", "not-set", "execute statement failed: "
                + "INSERT INTO `db`.`t` (`id`) VALUES (?)", "Error 1062 (23000): Duplicate entry '5' for key 't.PRIMARY'"));
        EXAMPLES.put(LookAlike.FOREIGN_KEY, Dm.pe(10006, "database", "not-set", "execute statement failed: DELETE FROM "
                + "`fk_lab`.`parent` WHERE `id` = ? LIMIT 1", "Error 1451 (23000): Cannot delete or update a parent "
                + "row: a foreign key constraint fails (`fk_lab`.`child_restrict`, CONSTRAINT `fk_res` FOREIGN KEY "
                + "(`parent_id`) REFERENCES `parent` (`id`) ON DELETE RESTRICT)"));
    }

    @Test
    void everyGuardHasAnExampleAndRecognisesIt() {
        assertThat(EXAMPLES.keySet()).containsExactlyInAnyOrder(LookAlike.values());
        EXAMPLES.forEach((guard, error) -> {
            assertThat(guard.match(error, SYNC)).as(guard.name()).isPresent();
            assertThat(guard.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        });
    }

    @Test
    void eachExampleIsUnknownThroughTheClassifier() {
        EXAMPLES.forEach((guard, error) -> {
            Classification c = ErrorClassifier.classify(error, SYNC);
            assertThat(c.errorClass()).as(guard.name()).isEqualTo(ErrorClass.UNKNOWN);
            assertThat(c.rule()).as(guard.name()).isEqualTo(guard.name());
        });
    }

    @Test
    void connectionGuardsReadTheCauseNotTheStatement() {
        DmError e = Dm.pe(10006, "database", "not-set",
                "execute statement failed: INSERT INTO `db`.`tls` (`note`) VALUES ('broken pipe')", "invalid connection");
        assertThat(LookAlike.TLS.match(e, SYNC)).isEmpty();
        assertThat(LookAlike.BROKEN_PIPE.match(e, SYNC)).isEmpty();
        assertThat(ErrorClassifier.classify(e, SYNC).errorClass()).isEqualTo(ErrorClass.INVALID_CONNECTION);
    }

    @Test
    void guardsDoNotFireOnTheFaqTexts() {
        for (DmError faq : new DmError[] {Dm.terror(Dm.INVALID_CONN_V75), Dm.parseRelay11038(Dm.CHECKSUM),
            Dm.getEvent36069(Dm.MYSQL_BOGUS), Dm.tcpReader30015(Dm.MYSQL_TRUNCATED), Dm.duplicate30029()}) {
            for (LookAlike guard : LookAlike.values()) {
                assertThat(guard.match(faq, SYNC)).as(guard.name() + " on " + faq.text()).isEmpty();
            }
        }
    }
}
