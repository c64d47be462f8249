package io.dmremediation.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the Dockerfile is checked by what it says: a JRE 17 base, a numeric non-root user,
 * the production jar and nothing else copied, and an exec-form ENTRYPOINT with container JVM flags.
 */
class DockerfileTest {

    static final String JAR = "target/dm-remediation-operator.jar";

    /** Instructions with continuation lines joined and comments dropped. */
    static List<String> instructions() throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(Tools.projectDir().resolve("Dockerfile"))) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            if (current.length() > 0) {
                out.add(current.toString().strip());
            }
            current.setLength(0);
        }
        return out;
    }

    static List<String> named(String keyword) throws IOException {
        return instructions().stream().filter(i -> i.toUpperCase().startsWith(keyword + " ")).toList();
    }

    @Test
    void baseIsAJava17Runtime() throws IOException {
        List<String> from = named("FROM");
        assertThat(from).as("one stage: the jar is built by Maven, not in the image").hasSize(1);
        assertThat(from.get(0)).matches("FROM eclipse-temurin:17[.0-9_]*-jre(-[a-z0-9]+)?(@sha256:[0-9a-f]{64})?");
    }

    @Test
    void runsAsANumericNonRootUser() throws IOException {
        List<String> user = named("USER");
        assertThat(user).hasSize(1);
        // numeric, so the kubelet can check runAsNonRoot without an /etc/passwd lookup; the chart runs the same id
        assertThat(user.get(0)).matches("USER 65532(:65532)?");
    }

    @Test
    void copiesTheProductionJarOnly() throws IOException {
        assertThat(named("ADD")).as("ADD can fetch URLs and unpack archives; COPY says what it does").isEmpty();
        List<String> copy = named("COPY");
        assertThat(copy).containsExactly("COPY " + JAR + " /app/dm-remediation-operator.jar");
        assertThat(named("RUN")).as("no shell steps: nothing but the jar and the JRE").isEmpty();
    }

    @Test
    void entrypointRunsTheJarWithContainerJvmFlags() throws IOException {
        List<String> entrypoint = named("ENTRYPOINT");
        assertThat(entrypoint).hasSize(1);
        String json = entrypoint.get(0).substring("ENTRYPOINT".length()).strip();
        JsonNode exec = new ObjectMapper().readTree(json);
        assertThat(exec.isArray()).as("exec form, so signals reach the JVM (no shell in between)").isTrue();
        List<String> argv = new ArrayList<>();
        exec.forEach(a -> argv.add(a.asText()));
        assertThat(argv.get(0)).isEqualTo("java");
        assertThat(argv.subList(argv.size() - 2, argv.size())).containsExactly("-jar", "/app/dm-remediation-operator.jar");
        assertThat(argv).anyMatch(a -> a.matches("-XX:MaxRAMPercentage=[0-9.]+"));
        assertThat(argv).contains("-XX:+ExitOnOutOfMemoryError");
        // the chart and the repair Jobs give the command (operator, fix-checkpoint, ...) as container args
        assertThat(named("CMD")).allSatisfy(cmd -> assertThat(cmd).startsWith("CMD [\""));
    }

    @Test
    void dockerignoreKeepsEverythingButTheJarOut() throws IOException {
        List<String> patterns = Files.readAllLines(Tools.projectDir().resolve(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(patterns.get(0)).as("exclude everything first").isIn("*", "**");
        assertThat(patterns.stream().filter(p -> p.startsWith("!")).toList()).containsExactly("!" + JAR);
    }
}
