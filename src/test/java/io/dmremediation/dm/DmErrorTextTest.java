package io.dmremediation.dm;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.domain.DmError;
import org.junit.jupiter.api.Test;

class DmErrorTextTest {

    @Test
    void readsTheV62Format() {
        DmError e = DmErrorText.parse("[code=10006:class=database:scope=not-set:level=high], Message: execute statement "
                + "failed: begin, RawCause: invalid connection");
        assertThat(e.code()).isEqualTo(10006);
        assertThat(e.errClass()).isEqualTo("database");
        assertThat(e.scope()).isEqualTo("not-set");
        assertThat(e.level()).isEqualTo("high");
        assertThat(e.message()).isEqualTo("execute statement failed: begin");
        assertThat(e.rawCause()).isEqualTo("invalid connection");
        assertThat(e.workaround()).isEmpty();
    }

    @Test
    void readsWorkaroundAndTheTrailingDot() {
        DmError e = DmErrorText.parse("[code=11106:class=functional:scope=internal:level=high], Message: the given relay "
                + "log pos (mysql-bin.000003, 5000) of meta config is too big, please check it again, Workaround: "
                + "If the size of the corresponding binlog file has exceeded 4GB, please follow the FAQ.");
        assertThat(e.code()).isEqualTo(11106);
        assertThat(e.message()).endsWith("please check it again");
        assertThat(e.rawCause()).isEmpty();
        assertThat(e.workaround()).isEqualTo("If the size of the corresponding binlog file has exceeded 4GB, please follow the FAQ");
    }

    @Test
    void readsTheOldFormWithoutLabels() {
        DmError e = DmErrorText.parse("[code=30015:class=relay-unit:scope=upstream:level=high] TCPReader get event: "
                + "ERROR 1236 (HY000): Could not open log file");
        assertThat(e.code()).isEqualTo(30015);
        assertThat(e.errClass()).isEqualTo("relay-unit");
        assertThat(e.message()).isEqualTo("TCPReader get event: ERROR 1236 (HY000): Could not open log file");
    }

    @Test
    void keepsUntaggedTextAsMessage() {
        DmError e = DmErrorText.parse("  parse relay log file bin.000018: binlog checksum mismatch, data may be corrupted ");
        assertThat(e.code()).isZero();
        assertThat(e.message()).isEqualTo("parse relay log file bin.000018: binlog checksum mismatch, data may be corrupted");
    }

    @Test
    void nullAndGarbageAreTextOnly() {
        assertThat(DmErrorText.parse(null).message()).isEmpty();
        assertThat(DmErrorText.parse("[code=abc] x").code()).isZero();
        assertThat(DmErrorText.parse("[code=99999999999:class=a:scope=b:level=c] x").code()).isZero();
    }
}
