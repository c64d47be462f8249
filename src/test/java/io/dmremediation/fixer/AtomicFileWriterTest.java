package io.dmremediation.fixer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileWriterTest {

    @TempDir
    Path dir;

    private static String[] names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void replacesTheContentAndKeepsThePermissions() throws Exception {
        Path target = Files.writeString(dir.resolve("relay.meta"), "old");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));

        new AtomicFileWriter().replace(target, "new".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(target)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r-----");
        assertThat(names(dir)).containsExactly("relay.meta");
    }

    @Test
    void aFailedRenameLeavesTheTargetAsItWasAndNoTempFile() throws Exception {
        Path target = Files.writeString(dir.resolve("relay.meta"), "old");
        AtomicFileWriter failing = new AtomicFileWriter((from, to) -> {
            assertThat(Files.readString(from)).isEqualTo("new");   // the temp file was complete at this point
            throw new IOException("No space left on device");
        });

        assertThatThrownBy(() -> failing.replace(target, "new".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("No space left");

        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(names(dir)).containsExactly("relay.meta");
    }

    @Test
    void aRealOsFailureLeavesNoTempFile() throws Exception {
        // a non-empty directory where the file should go: rename(2) fails even for root
        Path target = Files.createDirectory(dir.resolve("relay.meta"));
        Files.writeString(target.resolve("inside"), "x");

        assertThatThrownBy(() -> new AtomicFileWriter().replace(target, "new".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);

        assertThat(names(dir)).containsExactly("relay.meta");
        assertThat(Files.readString(target.resolve("inside"))).isEqualTo("x");
    }

    @Test
    void createNewNeverOverwrites() throws Exception {
        Path like = Files.writeString(dir.resolve("relay.meta"), "meta");
        Path backup = Files.writeString(dir.resolve("relay.meta.bak-r1"), "first backup");

        assertThatThrownBy(() -> new AtomicFileWriter().createNew(backup, "second".getBytes(StandardCharsets.UTF_8),
                like)).isInstanceOf(FileAlreadyExistsException.class);

        assertThat(Files.readString(backup)).isEqualTo("first backup");
        new AtomicFileWriter().createNew(dir.resolve("relay.meta.bak-r2"), "copy".getBytes(StandardCharsets.UTF_8),
                like);
        assertThat(Files.readString(dir.resolve("relay.meta.bak-r2"))).isEqualTo("copy");
        assertThat(names(dir)).containsExactly("relay.meta", "relay.meta.bak-r1", "relay.meta.bak-r2");
    }
}
