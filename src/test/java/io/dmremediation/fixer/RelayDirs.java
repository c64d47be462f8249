package io.dmremediation.fixer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A DM relay dir in a temp dir: two sub-dirs in server-uuid.index, the current one with relay.meta and a binlog. */
final class RelayDirs {

    static final String OLD_SUB = "53ea0ed1-9bf8-11e6-8bea-64006a897c73.000001";
    static final String SUB = "53ea0ed1-9bf8-11e6-8bea-64006a897c73.000002";
    static final String FILE = "mysql-bin.004451";
    static final String META = "binlog-name = \"mysql-bin.004451\"\nbinlog-pos = 123456\nbinlog-gtid = \"\"\n";
    static final long RELAY_FILE_SIZE = 10_000;

    private RelayDirs() {
    }

    static Path create(Path root) throws IOException {
        return create(root, META);
    }

    static Path create(Path root, String meta) throws IOException {
        Path relay = Files.createDirectories(root.resolve("relay"));
        Files.writeString(relay.resolve("server-uuid.index"), OLD_SUB + "\n" + SUB + "\n");
        Path old = Files.createDirectories(relay.resolve(OLD_SUB));
        Files.writeString(old.resolve("relay.meta"), "binlog-name = \"mysql-bin.000999\"\nbinlog-pos = 4\n");
        Path sub = Files.createDirectories(relay.resolve(SUB));
        Files.writeString(sub.resolve("relay.meta"), meta, StandardCharsets.UTF_8);
        Files.write(sub.resolve(FILE), new byte[(int) RELAY_FILE_SIZE]);
        return relay;
    }

    static Path meta(Path relay) {
        return relay.resolve(SUB).resolve("relay.meta");
    }

    static String[] names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }
}
