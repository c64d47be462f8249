package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Unit;
import io.dmremediation.dm.DmErrorText;
import java.util.List;

/** Builders for test inputs, straight from the domain records (the JSON parsers live elsewhere). */
final class Dm {

    private Dm() {
    }

    /** A gateway/dmctl ProcessError object (DM 5.x and later), class/scope/level as DM sets them. */
    static DmError pe(int code, String errClass, String scope, String message, String rawCause) {
        return new DmError(code, errClass, scope, "high", message, rawCause, "");
    }

    /** DM's terror text (OpenAPI v6.2+ error_msg line, logs), parsed as the dm package does. */
    static DmError terror(String line) {
        return DmErrorText.parse(line);
    }

    /** An OpenAPI v6.0/v6.1 error_msg line: the message only, no code, no RawCause. */
    static DmError messageOnly(String message) {
        return DmError.ofText(message);
    }

    static Subtask subtask(String task, String source, Stage stage, Unit unit, DmError... errors) {
        return new Subtask(task, source, "worker-" + source, stage, unit, false, List.of(errors), null);
    }

    static Subtask paused(String task, String source, Unit unit, DmError... errors) {
        return subtask(task, source, Stage.PAUSED, unit, errors);
    }

    static Relay relay(String source, Stage stage, DmError... errors) {
        return new Relay(source, "worker-" + source, stage, "uuid.000001", null, "", null, false, List.of(errors));
    }

    // Real-shaped texts, used across tests.

    /** tiflow issue #11384 (DM v7.5.1). */
    static final String INVALID_CONN_V75 =
            "[code=10006:class=database:scope=not-set:level=high], Message: execute statement failed: begin, "
                    + "RawCause: invalid connection";

    /** The syncer's annotation prefix on DML errors (dm-facts §3.2). */
    static final String LOCATION_PREFIX = "startLocation: [position: (mysql-bin.000029, 971322922), gtid-set: ], "
            + "endLocation: [position: (mysql-bin.000029, 971323148), gtid-set: ]: ";

    static final String MYSQL_TRUNCATED = "ERROR 1236 (HY000): binlog truncated in the middle of event; consider out "
            + "of disk space on master; the first event 'mysql-bin.000034' at 123456789, the last event read from "
            + "'/var/lib/mysql/mysql-bin.000034' at 123, the last byte read from '/var/lib/mysql/mysql-bin.000034' at "
            + "123456808.";

    static final String MYSQL_BOGUS = "ERROR 1236 (HY000): bogus data in log event; the first event "
            + "'mysql-bin.000034' at 1000, the last event read from '/var/lib/mysql/mysql-bin.000034' at 123, the "
            + "last byte read from '/var/lib/mysql/mysql-bin.000034' at 1019.";

    static final String MYSQL_CRC = "ERROR 1236 (HY000): event read from binlog did not pass crc check; the first "
            + "event 'mysql-bin.000034' at 1000, the last event read from '/var/lib/mysql/mysql-bin.000034' at 1000, "
            + "the last byte read from '/var/lib/mysql/mysql-bin.000034' at 1019.";

    static final String MYSQL_PURGED = "ERROR 1236 (HY000): Could not find first log file name in binary log index file";

    static final String MYSQL_GTID_PURGED = "ERROR 1236 (HY000): The slave is connecting using CHANGE MASTER TO "
            + "MASTER_AUTO_POSITION = 1, but the master has purged binary logs containing GTIDs that the slave requires.";

    static final String MYSQL_POS_GT_SIZE = "ERROR 1236 (HY000): Client requested master to start replication from "
            + "position > file size";

    static final String MYSQL_IMPOSSIBLE = "ERROR 1236 (HY000): Client requested master to start replication from "
            + "impossible position; the first event 'mysql-bin.000001' at 584533014, the last event read from "
            + "'mysql-bin.000001' at 4, the last byte read from 'mysql-bin.000001' at 4.";

    static final String MYSQL_MAX_PACKET = "ERROR 1236 (HY000): log event entry exceeded max_allowed_packet; Increase "
            + "max_allowed_packet on master; the first event 'mysql-bin.000034' at 1000, the last event read from "
            + "'/var/lib/mysql/mysql-bin.000034' at 123, the last byte read from '/var/lib/mysql/mysql-bin.000034' at 1019.";

    static final String CHECKSUM = "binlog checksum mismatch, data may be corrupted";

    static final String RELAY_FILE = "/var/lib/dm-worker/relay/d2e831df-b4ec-11e9-9237-0242ac110008.000004/mysql-bin.000018";

    /** 11038 as DM 6.2+ reports it: Delegate, so the cause is the RawCause. */
    static DmError parseRelay11038(String cause) {
        return pe(11038, "functional", "internal", "parse relay log file " + RELAY_FILE, cause);
    }

    /** 36069 as DM reports it: Generate, so the upstream text is in the message. */
    static DmError getEvent36069(String upstream) {
        return pe(36069, "sync-unit", "upstream", "get binlog event error: " + upstream, "");
    }

    /** 30015 as DM reports it: Delegate of the go-mysql error. */
    static DmError tcpReader30015(String upstream) {
        return pe(30015, "relay-unit", "upstream", "TCPReader get relay event with error", upstream);
    }

    static DmError duplicate30029() {
        return pe(30029, "relay-unit", "internal", "event from 4021 in " + RELAY_FILE
                + " diff from passed-in event &{Timestamp:1690000000 EventType:WriteRowsEventV2 ServerID:1 "
                + "EventSize:8180 LogPos:12201 Flags:0}", "");
    }

    static DmError smaller11034() {
        return pe(11034, "functional", "internal", "file size of relay log " + RELAY_FILE + " become smaller", "");
    }

    static DmError posTooBig11106() {
        return pe(11106, "functional", "internal", "the given relay log pos (mysql-bin.000018, 123456) of meta config "
                + "is too big, please check it again", "");
    }
}
