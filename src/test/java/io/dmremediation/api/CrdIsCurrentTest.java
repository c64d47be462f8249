package io.dmremediation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed CRD is the one the build generates from the Java model. */
class CrdIsCurrentTest {

    static final String NAME = "dmremediations.dmremediation.io-v1.yml";

    static String generated() throws IOException {
        try (InputStream in = CrdIsCurrentTest.class.getResourceAsStream("/META-INF/fabric8/" + NAME)) {
            assertThat(in).as("the build generates the CRD in process-classes").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Path projectDir() {
        return Path.of(System.getProperty("project.basedir", "."));
    }

    @Test
    void committedCrdMatchesTheGeneratedOne() throws IOException {
        String committed = Files.readString(projectDir().resolve("crds").resolve(NAME));
        assertThat(committed)
                .as("crds/%s is stale: run 'mvn process-classes && cp target/classes/META-INF/fabric8/%s crds/'",
                        NAME, NAME)
                .isEqualTo(generated());
    }

    @Test
    void crdHasWhatKubectlAndUsersRelyOn() throws IOException {
        String crd = generated();
        assertThat(crd).contains("name: dmremediations.dmremediation.io", "scope: Namespaced", "- dmr",
                "status: {}", "plural: dmremediations");
        // printer columns in the order kubectl shows them
        assertThat(crd.indexOf("name: Cluster")).isLessThan(crd.indexOf("name: Tasks"));
        assertThat(crd.indexOf("name: Tasks")).isLessThan(crd.indexOf("name: Healthy"));
        assertThat(crd.indexOf("name: Healthy")).isLessThan(crd.indexOf("name: Phase"));
        assertThat(crd.indexOf("name: Phase")).isLessThan(crd.indexOf("name: Last-Action"));
        assertThat(crd.indexOf("name: Last-Action")).isLessThan(crd.indexOf("name: Age"));
    }
}
