package io.dmremediation.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The jars as built: the production jar (the image's only content) runs its commands and carries nothing of the
 * sandbox — no mock server, no embedded MariaDB, no simulator; the sandbox jar finds its libraries.
 */
class ProductionJarIT {

    static final Path TARGET = Path.of(System.getProperty("project.basedir", ".")).resolve("target");

    @Test
    void theOperatorJarCarriesNoSandbox() throws IOException {
        Path jar = TARGET.resolve("dm-remediation-operator.jar");
        assertThat(jar).exists();
        List<String> names = new ArrayList<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            j.stream().map(ZipEntry::getName).forEach(names::add);
            assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("io.dmremediation.cli.Main");
        }
        assertThat(names).contains("io/dmremediation/cli/Main.class", "io/dmremediation/operator/OperatorRunner.class",
                "io/dmremediation/fixer/CheckpointFixer.class", "com/mysql/cj/jdbc/Driver.class",
                "META-INF/fabric8/dmremediations.dmremediation.io-v1.yml", "logback.xml");
        assertThat(names).noneMatch(n -> n.startsWith("io/dmremediation/sandbox/"))
                .noneMatch(n -> n.startsWith("io/fabric8/kubernetes/client/server/mock/"))
                .noneMatch(n -> n.startsWith("io/fabric8/mockwebserver/"))
                .noneMatch(n -> n.startsWith("ch/vorburger/"))
                .noneMatch(n -> n.startsWith("io/vertx/"))
                .noneMatch(n -> n.contains("mariadb-11"));
        assertThat(Files.size(jar)).as("no 150 MB of MariaDB binaries").isLessThan(60L << 20);
    }

    @Test
    void everyCommandOfTheOperatorJarAnswersHelp() throws Exception {
        Path jar = TARGET.resolve("dm-remediation-operator.jar");
        Result top = java("-jar", jar.toString(), "--help");
        assertThat(top.code()).isZero();
        for (String command : List.of("operator", "diagnose", "fix-checkpoint", "fix-relay-meta", "check-downstream")) {
            assertThat(top.out()).contains(command);
            Result help = java("-jar", jar.toString(), command, "--help");
            assertThat(help.code()).as(command).isZero();
            assertThat(help.out()).as(command).startsWith("Usage: " + command);
        }
        Result unknown = java("-jar", jar.toString(), "nonsense");
        assertThat(unknown.code()).isEqualTo(2);
    }

    @Test
    void theSandboxJarStartsFromItsManifestClassPath() throws Exception {
        Result help = java("-jar", TARGET.resolve("dm-remediation-sandbox.jar").toString(), "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--scenario", "--keep-running");
    }

    record Result(int code, String out) {
    }

    static Result java(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
