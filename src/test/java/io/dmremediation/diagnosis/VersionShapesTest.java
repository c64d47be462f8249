package io.dmremediation.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each FAQ class in the shapes DM versions give it (dm-facts §2.3, §3): DM 5.x+ gateway/dmctl ProcessError
 * objects, OpenAPI v6.0/v6.1 message-only lines (code 0, no RawCause), OpenAPI v6.2+ terror text; relay errors
 * only through the gateway (never in OpenAPI task status).
 */
class VersionShapesTest {

    private static final ErrorSite SYNC = ErrorSite.subtask(Unit.SYNC);
    private static final ErrorSite RELAY = ErrorSite.relay();

    static Stream<Arguments> shapes() {
        return Stream.of(
                // --- DM 5.x gateway / dmctl ProcessError objects
                Arguments.of("5.x invalid 10006", Dm.pe(10006, "database", "not-set", Dm.LOCATION_PREFIX
                        + "execute statement failed: commit", "invalid connection"), SYNC, ErrorClass.INVALID_CONNECTION),
                Arguments.of("5.x invalid 10007", Dm.pe(10007, "database", "not-set", "execute statement failed: begin",
                        "invalid connection"), SYNC, ErrorClass.INVALID_CONNECTION),
                Arguments.of("5.x bad 10006", Dm.pe(10006, "database", "not-set", Dm.LOCATION_PREFIX
                        + "execute statement failed: commit", "driver: bad connection"), SYNC, ErrorClass.BAD_CONNECTION),
                Arguments.of("5.x bad 10002", Dm.pe(10002, "database", "downstream", "database driver",
                        "driver: bad connection"), SYNC, ErrorClass.BAD_CONNECTION),
                Arguments.of("5.x relay 30015", Dm.tcpReader30015(Dm.MYSQL_TRUNCATED), RELAY,
                        ErrorClass.RELAY_BINLOG_OVERFLOW),
                Arguments.of("5.x relay 30029", Dm.duplicate30029(), RELAY, ErrorClass.RELAY_BINLOG_OVERFLOW),
                Arguments.of("5.x relay 30015 checksum", Dm.tcpReader30015(Dm.CHECKSUM), RELAY,
                        ErrorClass.RELAY_BINLOG_OVERFLOW),
                Arguments.of("5.x syncer 11038", Dm.parseRelay11038(Dm.CHECKSUM), SYNC, ErrorClass.SYNCER_BINLOG_OVERFLOW),
                Arguments.of("5.x syncer 36069", Dm.getEvent36069(Dm.MYSQL_BOGUS), SYNC, ErrorClass.SYNCER_BINLOG_OVERFLOW),
                Arguments.of("5.x syncer 11106", Dm.posTooBig11106(), SYNC, ErrorClass.SYNCER_BINLOG_OVERFLOW),
                Arguments.of("5.x syncer 36069 purged", Dm.getEvent36069(Dm.MYSQL_PURGED), SYNC, ErrorClass.UNKNOWN),

                // --- OpenAPI v6.0/v6.1: message only; a Delegate'd cause is invisible, a Generate'd text is not
                Arguments.of("6.0 invalid 10006 (cause not shown)", Dm.messageOnly(Dm.LOCATION_PREFIX
                        + "execute statement failed: begin"), SYNC, ErrorClass.UNKNOWN),
                Arguments.of("6.0 invalid 10003 (cause not shown)", Dm.messageOnly("database driver"), SYNC,
                        ErrorClass.UNKNOWN),
                Arguments.of("6.0 bad 10006 (cause not shown)", Dm.messageOnly("execute statement failed: commit"), SYNC,
                        ErrorClass.UNKNOWN),
                Arguments.of("6.0 syncer 36069", Dm.messageOnly("get binlog event error: " + Dm.MYSQL_TRUNCATED), SYNC,
                        ErrorClass.SYNCER_BINLOG_OVERFLOW),
                Arguments.of("6.0 syncer 11106", Dm.messageOnly(Dm.posTooBig11106().message()), SYNC,
                        ErrorClass.SYNCER_BINLOG_OVERFLOW),
                Arguments.of("6.0 syncer 11038 (cause not shown)", Dm.messageOnly("parse relay log file " + Dm.RELAY_FILE),
                        SYNC, ErrorClass.UNKNOWN),
                Arguments.of("6.0 syncer 36069 stale position", Dm.messageOnly("get binlog event error: "
                        + Dm.MYSQL_POS_GT_SIZE), SYNC, ErrorClass.UNKNOWN),

                // --- OpenAPI v6.2+: terror text with code and RawCause
                Arguments.of("6.2 invalid 10006", Dm.terror(Dm.INVALID_CONN_V75), SYNC, ErrorClass.INVALID_CONNECTION),
                Arguments.of("6.2 invalid 10003", Dm.terror("[code=10003:class=database:scope=not-set:level=high], "
                        + "Message: database driver, RawCause: invalid connection, Workaround: Please check the database "
                        + "connection, then use `pause-task` to pause the task and then use `resume-task` to resume it."),
                        SYNC, ErrorClass.INVALID_CONNECTION),
                Arguments.of("6.2 bad 10007", Dm.terror("[code=10007:class=database:scope=not-set:level=high], Message: "
                        + "execute statement failed: begin, RawCause: driver: bad connection."), SYNC,
                        ErrorClass.BAD_CONNECTION),
                Arguments.of("6.2 syncer 11038", Dm.terror("[code=11038:class=functional:scope=internal:level=high], "
                        + "Message: parse relay log file " + Dm.RELAY_FILE + ", RawCause: " + Dm.CHECKSUM + "."), SYNC,
                        ErrorClass.SYNCER_BINLOG_OVERFLOW),
                Arguments.of("6.2 syncer 36069", Dm.terror("[code=36069:class=sync-unit:scope=upstream:level=high], "
                        + "Message: get binlog event error: " + Dm.MYSQL_BOGUS + ", Workaround: Please check if the binlog "
                        + "file could be parsed by `mysqlbinlog`."), SYNC, ErrorClass.SYNCER_BINLOG_OVERFLOW),
                Arguments.of("6.2 syncer 11106", Dm.terror("[code=11106:class=functional:scope=internal:level=high], "
                        + "Message: the given relay log pos (mysql-bin.000003, 5000) of meta config is too big, please "
                        + "check it again, Workaround: If the size of the corresponding binlog file has exceeded 4GB, "
                        + "please follow the FAQ."), SYNC, ErrorClass.SYNCER_BINLOG_OVERFLOW),
                Arguments.of("6.2 relay 30015 (gateway)", Dm.terror("[code=30015:class=relay-unit:scope=upstream:"
                        + "level=high], Message: TCPReader get relay event with error, RawCause: " + Dm.MYSQL_TRUNCATED),
                        RELAY, ErrorClass.RELAY_BINLOG_OVERFLOW),
                Arguments.of("6.2 relay 30029 (gateway)", Dm.terror("[code=30029:class=relay-unit:scope=internal:"
                        + "level=high], Message: " + Dm.duplicate30029().message()), RELAY, ErrorClass.RELAY_BINLOG_OVERFLOW),
                Arguments.of("6.2 syncer's relay reader 11034 on sync", Dm.terror("[code=11034:class=functional:"
                        + "scope=internal:level=high], Message: " + Dm.smaller11034().message() + ", Workaround: Please"
                        + " check if the relay log file is deleted."), SYNC, ErrorClass.SYNCER_BINLOG_OVERFLOW),
                Arguments.of("6.2 relay 30015 gtid purged", Dm.terror("[code=30015:class=relay-unit:scope=upstream:"
                        + "level=high], Message: TCPReader get relay event with error, RawCause: " + Dm.MYSQL_GTID_PURGED),
                        RELAY, ErrorClass.UNKNOWN),
                Arguments.of("6.2 relay 30015 max packet", Dm.terror("[code=30015:class=relay-unit:scope=upstream:"
                        + "level=high], Message: TCPReader get relay event with error, RawCause: " + Dm.MYSQL_MAX_PACKET),
                        RELAY, ErrorClass.UNKNOWN),
                Arguments.of("6.2 relay 30015 impossible position", Dm.terror("[code=30015:class=relay-unit:"
                        + "scope=upstream:level=high], Message: TCPReader get relay event with error, RawCause: "
                        + Dm.MYSQL_IMPOSSIBLE), RELAY, ErrorClass.UNKNOWN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void classifiesEachShape(String name, DmError error, ErrorSite site, ErrorClass expected) {
        Classification c = ErrorClassifier.classify(error, site);
        assertThat(c.errorClass()).as(name + ": " + c.reason()).isEqualTo(expected);
        // the same error through the whole function, as the only error of a subtask or relay
        Verdict v = Diagnosis.judge(java.util.List.of(error), site);
        assertThat(v.errorClass()).isEqualTo(expected);
        assertThat(v.evidence()).containsExactly(error);
    }
}
