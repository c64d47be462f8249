package io.dmremediation.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import org.junit.jupiter.api.Test;

class BadConnectionRuleTest {

    private static final Rule RULE = BadConnectionRule.INSTANCE;
    private static final ErrorSite SYNC = ErrorSite.subtask(Unit.SYNC);

    private static boolean matches(DmError e, ErrorSite site) {
        return RULE.match(e, site).isPresent();
    }

    @Test
    void executeFailedWithTheDriverCause() {
        assertThat(matches(Dm.terror("[code=10006:class=database:scope=not-set:level=high], Message: execute "
                + "statement failed: commit, RawCause: driver: bad connection"), SYNC)).isTrue();
        assertThat(matches(Dm.pe(10007, "database", "not-set", Dm.LOCATION_PREFIX + "execute statement failed: begin",
                "driver: bad connection"), SYNC)).isTrue();
        assertThat(RULE.match(Dm.pe(10007, "database", "not-set", "execute statement failed: begin",
                "driver: bad connection"), SYNC).orElseThrow()).contains("10007").contains("bad connection");
    }

    @Test
    void dbErrorAdaptCode10002() {
        assertThat(matches(Dm.terror("[code=10002:class=database:scope=downstream:level=high] database driver: "
                + "driver: bad connection"), SYNC)).isTrue();
        assertThat(matches(Dm.pe(10002, "database", "not-set", "database driver", "driver: bad connection"), SYNC))
                .isTrue();
        assertThat(matches(Dm.pe(10002, "database", "not-set", "database driver", "invalid connection"), SYNC)).isFalse();
    }

    @Test
    void textOnlyNeedsDmShape() {
        assertThat(matches(DmError.ofText("Message: execute statement failed: commit, RawCause: driver: bad "
                + "connection"), SYNC)).isTrue();
        assertThat(matches(DmError.ofText("execute statement failed: commit: driver: bad connection"), SYNC)).isTrue();
        assertThat(matches(DmError.ofText("driver: bad connection"), SYNC)).isFalse();
        assertThat(matches(Dm.messageOnly("execute statement failed: commit"), SYNC)).isFalse();
    }

    @Test
    void lookAlikeCausesDoNotMatch() {
        for (String cause : new String[] {"sql: connection is already closed", "invalid connection",
            "dial tcp 10.0.0.1:4000: connect: connection refused", "read tcp 10.0.0.2:4000: i/o timeout",
            "write tcp 10.0.0.2:4000: write: broken pipe", "remote error: tls: bad certificate"}) {
            assertThat(matches(Dm.pe(10006, "database", "not-set", "execute statement failed: begin", cause), SYNC))
                    .as(cause).isFalse();
        }
    }

    @Test
    void onlyTheSyncUnitOrALineWithoutUnit() {
        DmError e = Dm.pe(10006, "database", "not-set", "execute statement failed: begin", "driver: bad connection");
        assertThat(matches(e, ErrorSite.textOnly())).isTrue();
        assertThat(matches(e, ErrorSite.subtask(Unit.LOAD))).isFalse();
        assertThat(matches(e, ErrorSite.relay())).isFalse();
        assertThat(matches(e, ErrorSite.source())).isFalse();
    }
}
