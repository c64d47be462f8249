package io.dmremediation.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OverflowSignatureTest {

    private static Optional<OverflowSignature> find(String text) {
        return OverflowSignature.find(text.toLowerCase(Locale.ROOT));
    }

    @Test
    void findsEachSignatureInRealTexts() {
        assertThat(find("parse relay log file x: " + Dm.CHECKSUM)).contains(OverflowSignature.CHECKSUM_MISMATCH);
        assertThat(find("get event err EOF, need 1567488104 but got 316323")).contains(OverflowSignature.EVENT_EOF);
        assertThat(find(Dm.duplicate30029().text())).contains(OverflowSignature.RELAY_EVENT_DIFF);
        assertThat(find(Dm.smaller11034().text())).contains(OverflowSignature.RELAY_FILE_SMALLER);
        assertThat(find(Dm.posTooBig11106().text())).contains(OverflowSignature.RELAY_POS_TOO_BIG);
        assertThat(find(Dm.MYSQL_TRUNCATED)).contains(OverflowSignature.MYSQL_TRUNCATED_EVENT);
        assertThat(find(Dm.MYSQL_BOGUS)).contains(OverflowSignature.MYSQL_BOGUS_DATA);
        assertThat(find(Dm.MYSQL_CRC)).contains(OverflowSignature.MYSQL_CRC_FAILURE);
        assertThat(find("Got fatal error 1236 from master when reading data from binary log: 'bogus data in log event'"))
                .contains(OverflowSignature.MYSQL_BOGUS_DATA);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        Dm.MYSQL_PURGED, Dm.MYSQL_GTID_PURGED, Dm.MYSQL_POS_GT_SIZE, Dm.MYSQL_IMPOSSIBLE, Dm.MYSQL_MAX_PACKET,
        "ERROR 1236 (HY000): Could not open log file",
        "ERROR 1236 (HY000): I/O error reading log event",
        "invalid event header, event size is 0, too small",
        "get event err EOF",
        "execute statement failed: begin: invalid connection"
    })
    void lookAlikesCarryNoSignature(String text) {
        assertThat(find(text)).isEmpty();
    }

    @Test
    void mysqlReadErrorsNeedTheErrorCodeNotJustANumber() {
        // 1236 as a position is not ERROR 1236
        assertThat(find("(mysql-bin.000003, 1236) bogus data in log event")).isEmpty();
        assertThat(find("binlog truncated in the middle of event")).isEmpty();
    }
}
