package io.dmremediation.dm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The real DM outputs in the shared {@code dm-samples} folder, beside the project. */
public final class Samples {

    public static final String PAUSED_10006 = "dmctl-query-status-task-paused-sync-db-error-10006.json";
    public static final String RUNNING = "dmctl-query-status-task-running-sync.json";
    public static final String SUMMARY = "dmctl-query-status-summary-no-task-name.json";
    public static final String OPENAPI_TASK = "openapi-task-object-fixture-v8.5.0.json";
    public static final String ERROR_STRINGS = "real-error-strings.txt";

    static final ObjectMapper JSON = new ObjectMapper();

    private Samples() {
    }

    public static Path dir() {
        return Path.of(System.getProperty("project.basedir", ".")).resolve("../shared/dm-samples").normalize();
    }

    public static String read(String name) {
        try {
            return Files.readString(dir().resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sample as a mutable tree, to build the shapes the folder has no sample of from a real one. */
    static ObjectNode tree(String name) {
        try {
            return (ObjectNode) JSON.readTree(read(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> jsonFiles() {
        try (Stream<Path> files = Files.list(dir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
