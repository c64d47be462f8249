package io.dmremediation.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import org.junit.jupiter.api.Test;

class SyncerOverflowRuleTest {

    private static final Rule RULE = SyncerOverflowRule.INSTANCE;
    private static final ErrorSite SYNC = ErrorSite.subtask(Unit.SYNC);

    private static boolean matches(DmError e, ErrorSite site) {
        return RULE.match(e, site).isPresent();
    }

    @Test
    void syncerReadingARelayFile() {
        assertThat(matches(Dm.parseRelay11038(Dm.CHECKSUM), SYNC)).isTrue();
        assertThat(matches(Dm.parseRelay11038("get event err EOF, need 1567488104 but got 316323"), SYNC)).isTrue();
        assertThat(RULE.match(Dm.parseRelay11038(Dm.CHECKSUM), SYNC).orElseThrow())
                .contains("11038").contains("binlog checksum mismatch").contains("Sync");
    }

    @Test
    void syncerStartingPastTheRelayFile() {
        assertThat(matches(Dm.posTooBig11106(), SYNC)).isTrue();
    }

    @Test
    void syncerReadingUpstream() {
        assertThat(matches(Dm.getEvent36069(Dm.MYSQL_TRUNCATED), SYNC)).isTrue();
        assertThat(matches(Dm.getEvent36069(Dm.MYSQL_BOGUS), SYNC)).isTrue();
        assertThat(matches(Dm.getEvent36069(Dm.MYSQL_CRC), SYNC)).isTrue();
        // a wrapped terror stringified in 36069's message (dm-facts §4)
        assertThat(matches(Dm.getEvent36069("[code=11038:class=functional:scope=internal:level=high], Message: parse "
                + "relay log file " + Dm.RELAY_FILE + ", RawCause: " + Dm.CHECKSUM), SYNC)).isTrue();
    }

    @Test
    void textOnlySyncerMessages() {
        assertThat(matches(DmError.ofText("parse relay log file " + Dm.RELAY_FILE + ": " + Dm.CHECKSUM),
                ErrorSite.textOnly())).isTrue();
        assertThat(matches(DmError.ofText("get binlog event error: " + Dm.MYSQL_BOGUS), SYNC)).isTrue();
        assertThat(matches(DmError.ofText(Dm.posTooBig11106().message()), ErrorSite.textOnly())).isTrue();
        // text naming both readers cannot tell which one
        assertThat(matches(DmError.ofText("get binlog event error: TCPReader get event: " + Dm.MYSQL_BOGUS),
                ErrorSite.textOnly())).isFalse();
        assertThat(matches(DmError.ofText(Dm.CHECKSUM), SYNC)).isFalse();
    }

    @Test
    void noSignatureNoMatch() {
        assertThat(matches(Dm.getEvent36069(Dm.MYSQL_PURGED), SYNC)).isFalse();
        assertThat(matches(Dm.getEvent36069(Dm.MYSQL_POS_GT_SIZE), SYNC)).isFalse();
        assertThat(matches(Dm.getEvent36069("dial tcp 10.0.0.1:3306: connect: connection refused"), SYNC)).isFalse();
        // v6.2+ 11038 whose cause is something else
        assertThat(matches(Dm.parseRelay11038("invalid event header, event size is 0, too small"), SYNC)).isFalse();
        // OpenAPI v6.0/v6.1: 11038's message without its RawCause
        assertThat(matches(Dm.messageOnly("parse relay log file " + Dm.RELAY_FILE), SYNC)).isFalse();
    }

    @Test
    void notUnderTheRelayNorInOtherUnitsNorTheRelaysClass() {
        assertThat(matches(Dm.parseRelay11038(Dm.CHECKSUM), ErrorSite.relay())).isFalse();
        assertThat(matches(Dm.parseRelay11038(Dm.CHECKSUM), ErrorSite.source())).isFalse();
        assertThat(matches(Dm.parseRelay11038(Dm.CHECKSUM), ErrorSite.subtask(Unit.LOAD))).isFalse();
        assertThat(matches(Dm.parseRelay11038(Dm.CHECKSUM), ErrorSite.subtask(Unit.CHECK))).isFalse();
        assertThat(matches(Dm.duplicate30029(), SYNC)).isFalse();
        assertThat(matches(Dm.tcpReader30015(Dm.CHECKSUM), SYNC)).isFalse();
    }
}
