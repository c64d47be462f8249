package io.dmremediation.fixer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Writes a file the way DM writes {@code relay.meta}: into a temp file in the same directory, fsync, rename over
 * the target, fsync the directory. A reader (or a crash) sees the old content or the new one, never a mix; when a
 * step fails the temp file is removed and the target is as it was.
 */
public final class AtomicFileWriter {

    /** The rename step; replaceable so tests can make it fail like a full or read-only disk would. */
    @FunctionalInterface
    public interface Mover {
        void move(Path source, Path target) throws IOException;
    }

    /** {@code rename(2)}: atomic within one file system, replaces the target. */
    public static final Mover RENAME = (source, target) -> Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);

    private final Mover mover;

    public AtomicFileWriter() {
        this(RENAME);
    }

    public AtomicFileWriter(Mover mover) {
        this.mover = mover;
    }

    /** Replaces {@code target} (which must exist) with {@code content}, keeping its permissions and owner. */
    public void replace(Path target, byte[] content) throws IOException {
        write(target, content, target);
    }

    /**
     * Creates {@code target} with {@code content}, permissions and owner like {@code like}; fails with
     * {@link FileAlreadyExistsException} if it exists, so a backup is never overwritten. (The check and the rename
     * are two steps: fine for the one Job that owns this directory, not a lock against concurrent writers.)
     */
    public void createNew(Path target, byte[] content, Path like) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        write(target, content, like);
    }

    private void write(Path target, byte[] content, Path like) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        // a dot name that does not look like a binlog file, so DM's relay reader and purger never pick it up
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".dmr-", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            copyAttributes(like, temp);
            mover.move(temp, target);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    /** Same mode (createTempFile makes 0600) and, when we may, owner and group as the file we replace or copy. */
    private static void copyAttributes(Path like, Path temp) throws IOException {
        PosixFileAttributeView likeView = Files.getFileAttributeView(like, PosixFileAttributeView.class);
        PosixFileAttributeView tempView = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
        if (likeView == null || tempView == null) {
            return;
        }
        PosixFileAttributes attrs = likeView.readAttributes();
        tempView.setPermissions(attrs.permissions());
        try {
            // the Job may run as root while DM-worker does not: keep the file DM's
            if (!attrs.owner().equals(tempView.readAttributes().owner())) {
                tempView.setOwner(attrs.owner());
            }
            if (!attrs.group().equals(tempView.readAttributes().group())) {
                tempView.setGroup(attrs.group());
            }
        } catch (IOException e) {
            // not privileged: the file belongs to the Job's user, which could write the directory anyway
        }
    }

    /** Makes the rename durable: without it a power loss can bring back the old directory entry. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the rename itself already happened
        }
    }
}
