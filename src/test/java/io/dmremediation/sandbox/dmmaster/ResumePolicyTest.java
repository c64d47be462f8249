package io.dmremediation.sandbox.dmmaster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** DM's IsResumableError / IsResumableRelayError (§5.1) and the checker's backoff. */
class ResumePolicyTest {

    private static final Position AT = new Position("mysql-bin.000001", 4);

    @Test
    void connectionErrorsAndUpstreamReadErrorsAreResumable() {
        assertThat(ResumePolicy.isResumable(ErrorCatalog.invalidConnection(AT))).isTrue();
        assertThat(ResumePolicy.isResumable(ErrorCatalog.badConnection(AT, DmVersion.V8_5))).isTrue();
        assertThat(ResumePolicy.isResumable(ErrorCatalog.badConnection(AT, DmVersion.V26_3))).isTrue();
        assertThat(ResumePolicy.isResumable(ErrorCatalog.syncerGetEvent(ErrorCatalog.mysqlMidEvent("f", 5)))).isTrue();
    }

    @Test
    void dmlAndReplicationMessagesInRawCauseAreNot() {
        assertThat(ResumePolicy.isResumable(ErrorCatalog.duplicateEntry(AT, "t"))).isFalse();
        assertThat(ResumePolicy.isResumable(ProcessError.of(10006, "database", "not-set", "high", "x",
                "error 1406 (22001): data too long"))).isFalse();
        assertThat(ResumePolicy.isResumable(ProcessError.of(30015, "relay-unit", "upstream", "high", "x",
                ErrorCatalog.mysqlPurged()))).isFalse();
    }

    @Test
    void relayParseChecksumIsJudgedOnMessage() {
        // DM's unit test builds 11038 with the text in Message (unit_test.go:80-82): not resumable
        assertThat(ResumePolicy.isResumable(ProcessError.of(11038, "functional", "internal", "high",
                "parse relay log file bin.000018: binlog checksum mismatch, data may be corrupted", ""))).isFalse();
        // the real 11038 is Delegate'd: the text is RawCause, DM's check looks at Message, so it is resumed (§5.1)
        ProcessError real = ErrorCatalog.relayParseChecksum("/d/u.000001", "bin.000018", 555);
        assertThat(real.rawCause()).isEqualTo("binlog checksum mismatch, data may be corrupted");
        assertThat(real.message()).doesNotContain("checksum");
        assertThat(ResumePolicy.isResumable(real)).isTrue();
    }

    @Test
    void listedCodesAreNotResumable() {
        assertThat(ResumePolicy.isResumable(ProcessError.of(36008, "sync-unit", "internal", "high", "x", ""))).isFalse();
        assertThat(ResumePolicy.isResumable(ProcessError.of(34019, "load-unit", "internal", "high", "x",
                "table doesn't exist"))).isTrue();
        assertThat(ResumePolicy.isResumable(ProcessError.of(34019, "load-unit", "internal", "high", "x", "other")))
                .isFalse();
    }

    @Test
    void relayErrorsAreResumableButForFiveCodes() {
        assertThat(ResumePolicy.isResumableRelay(ErrorCatalog.relayDuplicateEvent("/r/f", 5, 8210))).isTrue();
        assertThat(ResumePolicy.isResumableRelay(ProcessError.of(30004, "relay-unit", "internal", "high", "x", "")))
                .isFalse();
    }

    @Test
    void backoffDoublesUpToItsMaxAndStepsBack() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(b.currentNanos()).isEqualTo(Duration.ofSeconds(1).toNanos());
        b.forward();
        assertThat(b.currentNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
        b.forward();
        b.forward();
        b.forward();
        assertThat(b.currentNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
        b.rollback();
        assertThat(b.currentNanos()).isEqualTo(Duration.ofSeconds(4).toNanos());
    }
}
