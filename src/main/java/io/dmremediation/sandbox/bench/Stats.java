package io.dmremediation.sandbox.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles by the nearest-rank method: p99 of 20 samples is the largest one, never an interpolation below it. */
final class Stats {

    /**
     * The statistic of no samples: every run of that measurement failed (the recovery benchmark goes on after a
     * failed run and says why in the row's note). NaN, so that it can never pass for a number: the table prints it
     * as {@code n/a} and {@link Bench} exits 1.
     */
    static final double NO_SAMPLES = Double.NaN;

    private Stats() {
    }

    static double percentile(List<Double> samples, double p) {
        if (samples.isEmpty()) {
            return NO_SAMPLES;
        }
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.min(sorted.size(), Math.max(1, rank)) - 1);
    }

    static double median(List<Double> samples) {
        return percentile(samples, 50);
    }

    /** Nearest rank 100: the largest sample. */
    static double max(List<Double> samples) {
        return percentile(samples, 100);
    }

    /** Nearest rank 0 rounds up to rank 1: the smallest sample. */
    static double min(List<Double> samples) {
        return percentile(samples, 0);
    }
}
