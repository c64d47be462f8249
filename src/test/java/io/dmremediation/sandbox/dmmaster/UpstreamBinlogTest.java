package io.dmremediation.sandbox.dmmaster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Positions in over-4 GiB files and how DM would read them (§9). */
class UpstreamBinlogTest {

    private static UpstreamBinlog binlog() {
        UpstreamBinlog b = new UpstreamBinlog();
        b.append("mysql-bin.000001", 1000);
        b.append("mysql-bin.000002", 5000);
        return b;
    }

    @Test
    void aStoredPositionInABigFileIsValidOnlyAt4OrAtARealBoundary() {
        UpstreamBinlog b = binlog();
        b.makeBig("mysql-bin.000002");
        assertThat(b.files()).containsExactly("mysql-bin.000001", "mysql-bin.000002", "mysql-bin.000003");
        Position past4g = new Position("mysql-bin.000002", (1L << 32) + 100);
        assertThat(past4g.uint32Pos()).isEqualTo(100);
        assertThat(past4g.overflowed()).isTrue();
        assertThat(b.check("mysql-bin.000002", 100)).isEqualTo(UpstreamBinlog.Validity.MID_EVENT);
        assertThat(b.check("mysql-bin.000002", 4)).isEqualTo(UpstreamBinlog.Validity.VALID);
        b.recordGenuine(new Position("mysql-bin.000002", 100));
        assertThat(b.check("mysql-bin.000002", 100)).isEqualTo(UpstreamBinlog.Validity.VALID);
        b.recordGenuine(past4g);
        assertThat(b.check("mysql-bin.000002", 200)).isEqualTo(UpstreamBinlog.Validity.MID_EVENT);
    }

    @Test
    void normalFilesCheckBounds() {
        UpstreamBinlog b = binlog();
        assertThat(b.check("mysql-bin.000001", 1000)).isEqualTo(UpstreamBinlog.Validity.VALID);
        assertThat(b.check("mysql-bin.000001", 1001)).isEqualTo(UpstreamBinlog.Validity.BEYOND_END);
        assertThat(b.check("mysql-bin.000009", 4)).isEqualTo(UpstreamBinlog.Validity.NO_SUCH_FILE);
    }

    @Test
    void advanceCrossesFilesWithinItsBudget() {
        UpstreamBinlog b = binlog();
        Position start = new Position("mysql-bin.000001", 4);
        assertThat(b.advance(start, b.master(), 500)).isEqualTo(new Position("mysql-bin.000001", 504));
        assertThat(b.advance(start, b.master(), 1000)).isEqualTo(new Position("mysql-bin.000002", 8));
        assertThat(b.advance(start, b.master(), 1L << 40)).isEqualTo(b.master());
        assertThat(b.distance(start, b.master())).isEqualTo(996 + 4996);
    }

    @Test
    void replayThroughTheTopOfABigFileIsDetected() {
        UpstreamBinlog b = binlog();
        b.makeBig("mysql-bin.000002");
        Position at4 = new Position("mysql-bin.000002", 4);
        assertThat(b.replayCrossesOverflowRegion(at4, new Position("mysql-bin.000002", (1L << 32) + 5))).isTrue();
        assertThat(b.replayCrossesOverflowRegion(at4, new Position("mysql-bin.000002", 1000))).isFalse();
        assertThat(b.replayCrossesOverflowRegion(new Position("mysql-bin.000001", 4), new Position("mysql-bin.000003", 4)))
                .isTrue();
    }

    @Test
    void relaySuffixedNames() {
        assertThat(UpstreamBinlog.plainName("mysql-bin|000001.004451")).isEqualTo("mysql-bin.004451");
        assertThat(UpstreamBinlog.plainName("mysql-bin.004451")).isEqualTo("mysql-bin.004451");
        assertThat(UpstreamBinlog.suffixedName("mysql-bin.004451", "000001")).isEqualTo("mysql-bin|000001.004451");
        assertThat(UpstreamBinlog.nextName("mysql-bin.000009")).isEqualTo("mysql-bin.000010");
    }
}
