package io.dmremediation.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --scale-size RxT}: the steady-state scale benchmark at another size, without editing code. */
class ScaleSizeOptionTest {

    @Test
    void parsesResourcesByTasksAndChangesOnlyTheScaleSize() {
        assertThat(Size.parseScale("500x20")).containsExactly(500, 20);
        assertThat(Size.parseScale(" 7X3 ")).containsExactly(7, 3);

        Size full = Size.full();
        Size bigger = full.withScale(500, 20);
        assertThat(bigger.scaleResources()).isEqualTo(500);
        assertThat(bigger.scaleTasks()).isEqualTo(20);
        assertThat(bigger.name()).contains("500x20");
        // everything else stays the full size, so the other figures stay comparable
        assertThat(bigger.scalePoll()).isEqualTo(full.scalePoll());
        assertThat(bigger.scaleCycles()).isEqualTo(full.scaleCycles());
        assertThat(bigger.stormResources()).isEqualTo(full.stormResources());
        assertThat(bigger.checkpointRows()).isEqualTo(full.checkpointRows());
    }

    @Test
    void aBadSizeIsAClearUsageErrorAndRunsNothing() {
        for (String bad : List.of("500", "500x", "x20", "500x20x3", "0x20", "500x-1", "fivexten", "")) {
            assertThatThrownBy(() -> Size.parseScale(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Bench.run(List.of("--quick", "--only", "scale", "--scale-size", bad),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).as(bad).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(bad).startsWith("bench: --scale-size: ");
            assertThat(out.toString(StandardCharsets.UTF_8)).as(bad).doesNotContain("== scale");
        }
        assertThatThrownBy(() -> Size.full().withScale(0, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void helpNamesTheOption() {
        assertThat(Bench.help()).contains("--scale-size RxT");
    }
}
