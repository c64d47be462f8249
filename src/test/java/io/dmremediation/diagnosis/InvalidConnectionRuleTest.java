package io.dmremediation.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import org.junit.jupiter.api.Test;

class InvalidConnectionRuleTest {

    private static final Rule RULE = InvalidConnectionRule.INSTANCE;
    private static final ErrorSite SYNC = ErrorSite.subtask(Unit.SYNC);

    private static boolean matches(DmError e, ErrorSite site) {
        return RULE.match(e, site).isPresent();
    }

    @Test
    void executeFailedWithTheDriverCause() {
        assertThat(matches(Dm.terror(Dm.INVALID_CONN_V75), SYNC)).isTrue();
        assertThat(matches(Dm.pe(10006, "database", "not-set", Dm.LOCATION_PREFIX + "execute statement failed: commit",
                "invalid connection"), SYNC)).isTrue();
        assertThat(matches(Dm.pe(10007, "database", "not-set", "execute statement failed: begin", "invalid connection"),
                SYNC)).isTrue();
        assertThat(RULE.match(Dm.terror(Dm.INVALID_CONN_V75), SYNC).orElseThrow())
                .contains("10006").contains("RawCause").contains("Sync");
    }

    @Test
    void oldLabelLessTextCarriesTheCauseInTheMessage() {
        assertThat(matches(Dm.terror("[code=10006:class=database:scope=not-set:level=high] execute statement failed: "
                + "commit: invalid connection"), SYNC)).isTrue();
    }

    @Test
    void dbErrorAdaptCode10003InBothForms() {
        assertThat(matches(Dm.terror("[code=10003:class=database:scope=downstream:level=medium] database driver: "
                + "invalid connection"), SYNC)).isTrue();
        assertThat(matches(Dm.pe(10003, "database", "not-set", "database driver", "invalid connection"), SYNC)).isTrue();
        assertThat(matches(Dm.pe(10003, "database", "not-set", "database driver", "driver: bad connection"), SYNC))
                .isFalse();
    }

    @Test
    void textOnlyNeedsDmShape() {
        assertThat(matches(DmError.ofText("Message: execute statement failed: begin, RawCause: invalid connection."),
                SYNC)).isTrue();
        assertThat(matches(DmError.ofText("error=\"[code=10006:class=database] Message: execute statement failed: "
                + "commit, RawCause: invalid connection, Workaround: x\""), SYNC)).isTrue();
        assertThat(matches(DmError.ofText("database driver: invalid connection"), SYNC)).isTrue();
        assertThat(matches(DmError.ofText("invalid connection"), SYNC)).isFalse();
        assertThat(matches(DmError.ofText("RawCause: invalid connection pool size"), SYNC)).isFalse();
        // an OpenAPI v6.0/v6.1 line has the message only: the cause is not there to see
        assertThat(matches(Dm.messageOnly(Dm.LOCATION_PREFIX + "execute statement failed: begin"), SYNC)).isFalse();
    }

    @Test
    void otherCausesAndCodesDoNotMatch() {
        assertThat(matches(Dm.pe(10006, "database", "not-set", "execute statement failed: begin",
                "sql: connection is already closed"), SYNC)).isFalse();
        assertThat(matches(Dm.pe(10006, "database", "not-set", "execute statement failed: begin",
                "driver: bad connection"), SYNC)).isFalse();
        assertThat(matches(Dm.pe(10006, "database", "not-set", "execute statement failed: begin",
                "invalid connection string in DSN"), SYNC)).isFalse();
        // the query path is not the FAQ's write path
        assertThat(matches(Dm.pe(10005, "database", "not-set", "query statement failed: SELECT 1",
                "invalid connection"), SYNC)).isFalse();
        assertThat(matches(Dm.pe(50000, "not-set", "not-set", "invalid connection", ""), SYNC)).isFalse();
    }

    @Test
    void onlyTheSyncUnitOrALineWithoutUnit() {
        DmError e = Dm.terror(Dm.INVALID_CONN_V75);
        assertThat(matches(e, ErrorSite.textOnly())).isTrue();
        assertThat(matches(e, ErrorSite.subtask(Unit.LOAD))).isFalse();
        assertThat(matches(e, ErrorSite.subtask(Unit.DUMP))).isFalse();
        assertThat(matches(e, ErrorSite.relay())).isFalse();
        assertThat(matches(e, ErrorSite.source())).isFalse();
    }
}
