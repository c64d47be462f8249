package io.dmremediation.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The statistics the table reports, and how a measurement with no samples shows. */
class StatsTest {

    @Test
    void percentilesAreNearestRankNeverBelowTheSampleTheyName() {
        List<Double> twenty = new java.util.ArrayList<>();
        for (int i = 20; i >= 1; i--) {
            twenty.add((double) i);
        }
        assertThat(Stats.percentile(twenty, 99)).isEqualTo(20.0);
        assertThat(Stats.median(twenty)).isEqualTo(10.0);
        assertThat(Stats.percentile(twenty, 0)).isEqualTo(1.0);
        assertThat(Stats.min(twenty)).isEqualTo(1.0);
        assertThat(Stats.max(twenty)).isEqualTo(20.0);
    }

    @Test
    void noSamplesIsNeverANumberAndPrintsAsNotAvailable() {
        assertThat(Stats.median(List.of())).isNaN();
        assertThat(Stats.max(List.of())).isNaN();
        assertThat(Stats.min(List.of())).isNaN();
        Row row = Row.atMost("recovery", "p50", Stats.median(List.of()), "s", 10, "0 of 5 runs recovered");
        assertThat(row.formattedValue()).isEqualTo("n/a");
        assertThat(Row.format(Stats.max(List.of()), "ms")).as("a note never shows a missing max as 0 ms")
                .isEqualTo("n/a");
        assertThat(row.verdict()).as("NaN <= 10 is false: an unmeasured target is missed").isEqualTo(Row.Verdict.MISSED);
    }
}
