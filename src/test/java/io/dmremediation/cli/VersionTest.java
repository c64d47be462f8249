package io.dmremediation.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code java -jar dm-remediation-operator.jar --version}. */
class VersionTest {

    @Test
    void versionPrintsTheBuildAndExitsZero() {
        for (String flag : List.of("--version", "version")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(List.of(flag), new ByteArrayInputStream(new byte[0]),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).isZero();
            String line = out.toString(StandardCharsets.UTF_8).strip();
            // the project version from the pom, filled in by resource filtering
            assertThat(line).matches("dm-remediation-operator \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java .+, java-operator-sdk "
                    + "\\d+\\.\\d+\\.\\d+, fabric8 \\d+\\.\\d+\\.\\d+\\)");
            assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Main.run(List.of("--help"), new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--version");
    }
}
