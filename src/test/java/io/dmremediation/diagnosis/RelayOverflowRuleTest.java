package io.dmremediation.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import org.junit.jupiter.api.Test;

class RelayOverflowRuleTest {

    private static final Rule RULE = RelayOverflowRule.INSTANCE;
    private static final ErrorSite RELAY = ErrorSite.relay();
    private static final ErrorSite SYNC = ErrorSite.subtask(Unit.SYNC);

    private static boolean matches(DmError e, ErrorSite site) {
        return RULE.match(e, site).isPresent();
    }

    @Test
    void tcpReaderWithAnImpossibleReadFromUpstream() {
        assertThat(matches(Dm.tcpReader30015(Dm.MYSQL_TRUNCATED), RELAY)).isTrue();
        assertThat(matches(Dm.tcpReader30015(Dm.MYSQL_BOGUS), RELAY)).isTrue();
        assertThat(matches(Dm.tcpReader30015(Dm.MYSQL_CRC), RELAY)).isTrue();
        assertThat(matches(Dm.tcpReader30015(Dm.CHECKSUM), RELAY)).isTrue();
        assertThat(RULE.match(Dm.tcpReader30015(Dm.MYSQL_BOGUS), RELAY).orElseThrow())
                .contains("30015").contains("relay status").contains("bogus data");
    }

    @Test
    void relayOwnSymptoms() {
        assertThat(matches(Dm.duplicate30029(), RELAY)).isTrue();
        assertThat(matches(Dm.smaller11034(), RELAY)).isTrue();
        assertThat(matches(Dm.posTooBig11106(), RELAY)).isTrue();
        assertThat(matches(Dm.parseRelay11038(Dm.CHECKSUM), RELAY)).isTrue();
    }

    @Test
    void relayCodesAndClassOnASyncSubtask() {
        assertThat(matches(Dm.duplicate30029(), SYNC)).isTrue();
        assertThat(matches(Dm.tcpReader30015(Dm.MYSQL_TRUNCATED), SYNC)).isTrue();
        assertThat(matches(Dm.pe(30024, "relay-unit", "internal", "write event: " + Dm.CHECKSUM, ""), SYNC)).isTrue();
    }

    @Test
    void syncerErrorsOnASubtaskAreNotTheRelays() {
        assertThat(matches(Dm.parseRelay11038(Dm.CHECKSUM), SYNC)).isFalse();
        assertThat(matches(Dm.posTooBig11106(), SYNC)).isFalse();
        // 11034 comes from the syncer's relay reader (local_reader.go:673,698@v8.5.4), whatever its workaround says
        assertThat(matches(Dm.smaller11034(), SYNC)).isFalse();
        assertThat(matches(Dm.getEvent36069(Dm.MYSQL_BOGUS), SYNC)).isFalse();
    }

    @Test
    void textOnlyRelayMessages() {
        assertThat(matches(DmError.ofText("TCPReader get event: " + Dm.MYSQL_TRUNCATED), ErrorSite.textOnly())).isTrue();
        assertThat(matches(DmError.ofText(Dm.duplicate30029().message()), ErrorSite.textOnly())).isTrue();
        assertThat(matches(DmError.ofText(Dm.smaller11034().message()), ErrorSite.textOnly())).isFalse();
        // no relay message: the text cannot tell relay from syncer
        assertThat(matches(DmError.ofText(Dm.MYSQL_BOGUS), ErrorSite.textOnly())).isFalse();
        assertThat(matches(DmError.ofText(Dm.CHECKSUM), ErrorSite.textOnly())).isFalse();
    }

    @Test
    void noSignatureNoMatch() {
        assertThat(matches(Dm.terror("[code=30015:class=relay-unit:scope=upstream:level=high] TCPReader get event: "
                + "ERROR 1236 (HY000): Could not open log file"), RELAY)).isFalse();
        assertThat(matches(Dm.tcpReader30015(Dm.MYSQL_PURGED), RELAY)).isFalse();
        assertThat(matches(Dm.tcpReader30015("dial tcp 10.0.0.1:3306: connect: connection refused"), RELAY)).isFalse();
    }

    @Test
    void neverForSourcesOrUnitsThatDoNotReadBinlog() {
        assertThat(matches(Dm.duplicate30029(), ErrorSite.source())).isFalse();
        assertThat(matches(Dm.tcpReader30015(Dm.CHECKSUM), ErrorSite.subtask(Unit.LOAD))).isFalse();
        assertThat(matches(Dm.tcpReader30015(Dm.CHECKSUM), ErrorSite.subtask(Unit.DUMP))).isFalse();
    }
}
