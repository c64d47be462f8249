package io.dmremediation.sandbox.dmmaster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A relay directory on disk with DM's layout (§7, {@code dm/pkg/utils/relay.go}, {@code dm/relay/meta.go}):
 * <pre>
 * &lt;relay-dir&gt;/server-uuid.index              one sub-dir name per line, latest last
 * &lt;relay-dir&gt;/&lt;server_uuid&gt;.000001/          relay copies of upstream binlogs (placeholders here)
 *                                   relay.meta (TOML: binlog-name, binlog-pos, binlog-gtid)
 * </pre>
 * Binlog placeholders hold only the 4-byte binlog magic; the simulator tracks sizes in {@link UpstreamBinlog}.
 */
final class RelayDir {

    static final String SUFFIX = "000001";
    private static final byte[] BINLOG_MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};
    private static final Pattern LINE = Pattern.compile("^\\s*([A-Za-z-]+)\\s*=\\s*(.*?)\\s*$");

    private final Path root;
    private final String subDir;

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

    /** Creates the index and the current sub-dir when absent. */
    void initLayout() {
        try {
            Files.createDirectories(subDirPath());
            Path index = root.resolve("server-uuid.index");
            if (!Files.exists(index)) {
                Files.writeString(index, subDir + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void ensureBinlogPlaceholder(String file) {
        Path p = subDirPath().resolve(file);
        if (Files.exists(p)) {
            return;
        }
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, BINLOG_MAGIC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The relay.meta of the current sub-dir, or empty when there is none (or it cannot be parsed). */
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
