package io.dmremediation.fixer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DM relay dir on the worker's volume (dm-facts §7): {@code server-uuid.index} lists the sub-dirs, latest last;
 * each sub-dir {@code <uuid>.<NNNNNN>} holds relay binlog files and {@code relay.meta}. Resolves the sub-dir to fix
 * and makes sure every path stays inside the relay dir: names are checked against DM's form, and symbolic links
 * are refused rather than followed.
 */
public final class RelayDirectory {

    public static final String INDEX_FILE = "server-uuid.index";
    public static final String META_FILE = "relay.meta";
    /** 1 MiB: some 20 000 sub-dir lines, where DM writes one per upstream server change. */
    static final int MAX_INDEX_BYTES = 1024 * 1024;

    // MySQL: the server_uuid; MariaDB: DM uses "<gtid_domain_id>-<server_id>" (dm/pkg/utils GetMariaDBUUID)
    private static final Pattern SUB_DIR = Pattern.compile(
            "(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[0-9]{1,10}-[0-9]{1,20})"
                    + "\\.([0-9]{6})");

    private final Path relayDir;
    private final String subDirName;
    private final Path subDir;

    private RelayDirectory(Path relayDir, String subDirName, Path subDir) {
        this.relayDir = relayDir;
        this.subDirName = subDirName;
        this.subDir = subDir;
    }

    /** Checks a sub-dir name's form; throws {@link InvalidFixRequestException}. */
    public static String checkSubDirName(String name) {
        if (name == null || !SUB_DIR.matcher(name).matches()) {
            throw new InvalidFixRequestException("sub-dir " + (name == null ? "null" : Identifiers.printable(name))
                    + " is not a DM relay sub-dir name (<server-uuid>.<6 digits>, e.g."
                    + " 53ea0ed1-9bf8-11e6-8bea-64006a897c73.000001)");
        }
        return name;
    }

    /** The 6-digit suffix of a sub-dir name ({@code 000001}), the one DM puts in {@code mysql-bin|000001.004451}. */
    public static String suffixOf(String subDirName) {
        Matcher m = SUB_DIR.matcher(subDirName);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a sub-dir name: " + subDirName);
        }
        return m.group(1);
    }

    /**
     * Opens the relay dir and picks the sub-dir: {@code subDir} when given (it must be the index's latest entry:
     * DM loads relay.meta from the latest sub-dir only), else the index's last line.
     */
    static RelayDirectory open(Path relayDir, Optional<String> subDir) throws FixRefusedException, IOException {
        if (!Files.isDirectory(relayDir)) {
            throw new FixRefusedException("refused: relay dir " + relayDir + " does not exist or is not a directory"
                    + " (is the DM-worker's volume mounted there?); nothing was changed");
        }
        Path realRelay = relayDir.toRealPath();
        Path index = relayDir.resolve(INDEX_FILE);
        BasicFileAttributes indexAttrs = attributes(index);
        if (indexAttrs == null || !indexAttrs.isRegularFile()) {
            throw new FixRefusedException("refused: " + index + " is " + (indexAttrs == null ? "missing"
                    : "not a regular file") + ": not a DM relay dir (check --relay-dir); nothing was changed");
        }
        List<String> entries = readIndex(index, indexAttrs).lines()
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (entries.isEmpty()) {
            throw new FixRefusedException("refused: " + index + " lists no sub-dir; nothing was changed");
        }
        String latest = entries.get(entries.size() - 1);
        String name;
        if (subDir.isPresent()) {
            name = checkSubDirName(subDir.get());
            if (!name.equals(latest)) {
                throw new FixRefusedException("refused: sub-dir " + name + " is not the current relay sub-dir ("
                        + INDEX_FILE + " ends with " + latest + "); DM loads relay.meta from the latest one only;"
                        + " nothing was changed");
            }
        } else {
            if (!SUB_DIR.matcher(latest).matches()) {
                throw new FixRefusedException("refused: the last line of " + index + ", "
                        + Identifiers.printable(latest) + ", is not a DM relay sub-dir name; nothing was changed");
            }
            name = latest;
        }
        Path dir = relayDir.resolve(name);
        BasicFileAttributes dirAttrs = attributes(dir);
        if (dirAttrs == null) {
            throw new FixRefusedException("refused: relay sub-dir " + dir + " does not exist; nothing was changed");
        }
        if (dirAttrs.isSymbolicLink() || !dirAttrs.isDirectory()) {
            throw new FixRefusedException("refused: relay sub-dir " + dir + " is " + (dirAttrs.isSymbolicLink()
                    ? "a symbolic link" : "not a directory") + "; DM never creates one; nothing was changed");
        }
        Path realDir = dir.toRealPath();
        if (!realDir.getParent().equals(realRelay)) {
            throw new FixRefusedException("refused: relay sub-dir " + dir + " resolves to " + realDir
                    + ", outside the relay dir; nothing was changed");
        }
        return new RelayDirectory(realRelay, name, realDir);
    }

    /**
     * The index as text, at most {@link #MAX_INDEX_BYTES}: it has one short line per sub-dir DM ever created, and an
     * unbounded read of a damaged or hostile one (a 3 GiB sparse file) ran the Job out of memory.
     */
    private static String readIndex(Path index, BasicFileAttributes attrs) throws FixRefusedException, IOException {
        if (attrs.size() > MAX_INDEX_BYTES) {
            throw indexTooLarge(index);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(index, LinkOption.NOFOLLOW_LINKS)) {
            // one byte more than allowed: a file that grew since its size was read is refused too
            bytes = in.readNBytes(MAX_INDEX_BYTES + 1);
        }
        if (bytes.length > MAX_INDEX_BYTES) {
            throw indexTooLarge(index);
        }
        // strict, as Files.readAllLines was: invalid UTF-8 is an IOException, reported as a file error
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static FixRefusedException indexTooLarge(Path index) {
        return new FixRefusedException("refused: " + index + " is larger than " + MAX_INDEX_BYTES + " bytes; a "
                + INDEX_FILE + " lists one relay sub-dir per line; nothing was changed");
    }

    /** Attributes without following links, or null when nothing is there. */
    static BasicFileAttributes attributes(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    public Path relayDir() {
        return relayDir;
    }

    public String subDirName() {
        return subDirName;
    }

    public Path subDir() {
        return subDir;
    }

    public Path metaFile() {
        return subDir.resolve(META_FILE);
    }

    /** {@code relay.meta.bak-<remediation-id>} beside relay.meta. */
    public Path backupFile(String remediationId) {
        return subDir.resolve(META_FILE + ".bak-" + Identifiers.remediationId(remediationId));
    }

    /** The relay copy of a binlog file in this sub-dir (the name is validated: no separators). */
    public Path binlogFile(BinlogFileName name) {
        return subDir.resolve(name.plain());
    }
}
