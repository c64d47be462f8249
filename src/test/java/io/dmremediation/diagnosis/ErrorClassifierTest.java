package io.dmremediation.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {

    private static final ErrorSite SYNC = ErrorSite.subtask(Unit.SYNC);

    @Test
    void eachFaqClassByItsRule() {
        assertThat(ErrorClassifier.classify(Dm.terror(Dm.INVALID_CONN_V75), SYNC))
                .extracting(Classification::errorClass, Classification::rule)
                .containsExactly(ErrorClass.INVALID_CONNECTION, "invalid-connection");
        assertThat(ErrorClassifier.classify(Dm.pe(10007, "database", "not-set", "execute statement failed: begin",
                "driver: bad connection"), SYNC).errorClass()).isEqualTo(ErrorClass.BAD_CONNECTION);
        assertThat(ErrorClassifier.classify(Dm.duplicate30029(), ErrorSite.relay()).errorClass())
                .isEqualTo(ErrorClass.RELAY_BINLOG_OVERFLOW);
        assertThat(ErrorClassifier.classify(Dm.parseRelay11038(Dm.CHECKSUM), SYNC).errorClass())
                .isEqualTo(ErrorClass.SYNCER_BINLOG_OVERFLOW);
    }

    @Test
    void guardWinsEvenWhenASignatureIsPresent() {
        // a text with both a purge message and a checksum complaint: the purge decides, nothing is rewritten
        DmError e = Dm.getEvent36069(Dm.MYSQL_PURGED + "; " + Dm.CHECKSUM);
        assertThat(SyncerOverflowRule.INSTANCE.match(e, SYNC)).isPresent();
        Classification c = ErrorClassifier.classify(e, SYNC);
        assertThat(c.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(c.rule()).isEqualTo("PURGED_BINLOG");
        assertThat(c.reason()).contains("purged");
    }

    @Test
    void checksumMismatchOutsideSyncAndRelayIsUnknownAndSaysWhy() {
        Classification c = ErrorClassifier.classify(Dm.parseRelay11038(Dm.CHECKSUM), ErrorSite.subtask(Unit.LOAD));
        assertThat(c.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(c.reason()).contains("Load unit").contains("does not read binlog");
    }

    @Test
    void signatureWithoutReaderIsUnknownAndSaysWhy() {
        Classification c = ErrorClassifier.classify(DmError.ofText(Dm.MYSQL_BOGUS), ErrorSite.textOnly());
        assertThat(c.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(c.reason()).contains("relay or the syncer");
    }

    @Test
    void connectionErrorOutsideSyncSaysWhy() {
        Classification c = ErrorClassifier.classify(Dm.terror(Dm.INVALID_CONN_V75), ErrorSite.subtask(Unit.LOAD));
        assertThat(c.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(c.reason()).contains("Load unit").contains("Sync unit");
        Classification bare = ErrorClassifier.classify(DmError.ofText("invalid connection"), SYNC);
        assertThat(bare.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(bare.reason()).contains("not as the driver cause");
    }

    @Test
    void anythingElseIsUnknown() {
        Classification c = ErrorClassifier.classify(Dm.pe(36061, "sync-unit", "internal",
                "fail to handle ddl job for `db`.`t`", ""), SYNC);
        assertThat(c.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(c.rule()).isEqualTo("none");
        assertThat(c.reason()).contains("36061").contains("matches no FAQ rule");
    }

    @Test
    void theFaqRulesExcludeEachOtherOnTheirOwnExamples() {
        DmError[] faq = {Dm.terror(Dm.INVALID_CONN_V75), Dm.parseRelay11038(Dm.CHECKSUM), Dm.getEvent36069(Dm.MYSQL_BOGUS),
            Dm.tcpReader30015(Dm.MYSQL_TRUNCATED), Dm.duplicate30029(), Dm.smaller11034(), Dm.posTooBig11106()};
        for (DmError e : faq) {
            for (ErrorSite site : new ErrorSite[] {SYNC, ErrorSite.relay(), ErrorSite.textOnly()}) {
                long n = ErrorClassifier.FAQ_RULES.stream().filter(r -> r.match(e, site).isPresent()).count();
                assertThat(n).as(e.text() + " at " + site).isLessThanOrEqualTo(1);
            }
        }
    }
}
