package io.dmremediation.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

    @Test
    void doublesUpToTheCap() {
        BackoffPolicy b = new BackoffPolicy(Duration.ofSeconds(30), 2, Duration.ofMinutes(3));
        assertThat(b.delayAfter(0)).isEqualTo(Duration.ZERO);
        assertThat(b.delayAfter(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.delayAfter(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(b.delayAfter(3)).isEqualTo(Duration.ofSeconds(120));
        assertThat(b.delayAfter(4)).isEqualTo(Duration.ofMinutes(3));
        assertThat(b.delayAfter(10_000)).isEqualTo(Duration.ofMinutes(3));
    }
}
