package io.dmremediation.sandbox.dmmaster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One worker's relay directory for one source, on disk, with DM's layout (§7, {@code dm/pkg/utils/relay.go},
 * {@code dm/relay/meta.go}):
 * <pre>
 * &lt;relay-dir&gt;/server-uuid.index              one sub-dir name per line, latest last
 * &lt;relay-dir&gt;/&lt;server_uuid&gt;.000001/          relay copies of upstream binlogs (placeholders here)
 *                                   relay.meta (TOML: binlog-name, binlog-pos, binlog-gtid)
 * </pre>
 * A relay copy on disk holds only the 4-byte binlog magic; how many bytes of the upstream file it stands for is
 * kept here ({@link #copySize}). A file put there by hand (the docs' procedure copies the upstream file in, §7.3)
 * stands for the whole upstream file.
 */
final class RelayDir {

    static final String SUFFIX = "000001";
    /** A relay copy whose size the simulator did not write: a copy of the whole upstream file. */
    static final long WHOLE_FILE = -2;
    private static final byte[] BINLOG_MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};
    private static final Pattern LINE = Pattern.compile("^\\s*([A-Za-z-]+)\\s*=\\s*(.*?)\\s*$");

    private final Path root;
    private final String subDir;
    private final Map<String, Long> copies = new HashMap<>();
    /** Where the last complete transaction of a copy ends, when that is not its end (a write cut by the 4 GiB check). */
    private final Map<String, Long> txnEnds = new HashMap<>();

    RelayDir(Path root, String serverUuid) {
        this.root = root;
        this.subDir = serverUuid + "." + SUFFIX;
    }

    Path root() {
        return root;
    }

    String subDir() {
        return subDir;
    }

    Path subDirPath() {
        return root.resolve(subDir);
    }

    Path metaPath() {
        return subDirPath().resolve("relay.meta");
    }

    /**
     * The sub-dir the index names last, or empty when there is none: {@code isNewServer} takes an empty one, or one
     * that is not the upstream's {@code server_uuid}, for a new server ({@code pingcap/tiflow:dm/relay/util.go:30-44}).
     */
    Optional<String> currentSubDir() {
        Path index = root.resolve("server-uuid.index");
        if (!Files.exists(index)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(index, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(l -> !l.isEmpty()).toList();
            return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(lines.size() - 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the index and the sub-dir: {@code meta.AddDir} after a purge or for a new server. */
    void addSubDir() {
        try {
            Files.createDirectories(subDirPath());
            Files.writeString(root.resolve("server-uuid.index"), subDir + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void addSubDirIfMissing() {
        if (currentSubDir().isEmpty()) {
            addSubDir();
        }
    }

    /** {@code Relay.PurgeRelayDir}: everything under the relay dir goes ({@code pingcap/tiflow:dm/relay/relay.go:338-361@v8.5.4}). */
    void purge() {
        copies.clear();
        txnEnds.clear();
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(root)).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean hasCopy(String file) {
        return Files.exists(subDirPath().resolve(file));
    }

    /**
     * Bytes of the upstream file the relay copy holds: -1 without a copy, {@link #WHOLE_FILE} for a file the
     * simulator did not write.
     */
    long copySize(String file) {
        if (!hasCopy(file)) {
            copies.remove(file);
            txnEnds.remove(file);
            return -1;
        }
        return copies.getOrDefault(file, WHOLE_FILE);
    }

    /** A whole upstream file is in the relay dir (put there by hand). */
    void wroteWhole(String file) {
        wrote(file, 0);
        copies.remove(file);
    }

    /** The relay writer wrote the file up to {@code size} bytes, ending with a complete transaction. */
    void wrote(String file, long size) {
        wroteUpTo(file, size, size);
    }

    /** The relay writer wrote {@code size} bytes; the last complete transaction ends at {@code lastTxnEnd}. */
    void wroteUpTo(String file, long size, long lastTxnEnd) {
        Path p = subDirPath().resolve(file);
        if (!Files.exists(p)) {
            try {
                Files.createDirectories(p.getParent());
                Files.write(p, BINLOG_MAGIC);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        copies.put(file, size);
        if (lastTxnEnd == size) {
            txnEnds.remove(file);
        } else {
            txnEnds.put(file, lastTxnEnd);
        }
    }

    /** Where the last complete transaction of the copy ends; {@code fullSize} is the copy's size. */
    long lastTransactionEnd(String file, long fullSize) {
        return Math.min(txnEnds.getOrDefault(file, fullSize), fullSize);
    }

    /** Recovery cut the copy back to {@code size} bytes. */
    void truncate(String file, long size) {
        copies.put(file, size);
        txnEnds.remove(file);
    }

    /** The relay meta of the current sub-dir, or empty when there is none (or it cannot be parsed). */
    Optional<RelayMeta> readMeta() {
        Path p = metaPath();
        if (!Files.exists(p)) {
            return Optional.empty();
        }
        try {
            String name = null;
            Long pos = null;
            String gtid = "";
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                String value = unquote(m.group(2));
                switch (m.group(1)) {
                    case "binlog-name" -> name = value;
                    case "binlog-pos" -> pos = Long.parseLong(value);
                    case "binlog-gtid" -> gtid = value;
                    default -> {
                        // other keys are not DM's
                    }
                }
            }
            if (name == null || pos == null) {
                return Optional.empty();
            }
            return Optional.of(new RelayMeta(name, pos, gtid));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Written atomically through a temp file and a rename, as DM does; the position is DM's uint32. */
    void writeMeta(RelayMeta meta) {
        String toml = "binlog-name = \"" + meta.binlogName() + "\"\n"
                + "binlog-pos = " + meta.binlogPos() + "\n"
                + "binlog-gtid = \"" + meta.binlogGtid() + "\"\n";
        try {
            Files.createDirectories(subDirPath());
            Path tmp = Files.createTempFile(subDirPath(), "relay.meta", ".tmp");
            Files.writeString(tmp, toml, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, metaPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, metaPath(), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** The content of relay.meta ({@code LocalMeta}). */
    record RelayMeta(String binlogName, long binlogPos, String binlogGtid) {
    }
}
