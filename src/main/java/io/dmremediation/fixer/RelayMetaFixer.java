package io.dmremediation.fixer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The FAQ's relay-side fix for the 4 GB binlog error: with the relay and the DM-worker stopped, set
 * {@code binlog-pos} in the current sub-dir's {@code relay.meta} to 4 so the restarted worker re-pulls the file.
 *
 * <p>Order of work: resolve the sub-dir inside the relay dir → read and strictly parse relay.meta → refuse when its
 * file is not the affected one or it carries a GTID set → copy it to {@code relay.meta.bak-<remediation-id>} once →
 * write the new content atomically (temp file, fsync, rename, like DM) → read back. A re-run of the same remediation
 * finds the backup and the meta at the target and reports {@code already-applied}.
 */
public final class RelayMetaFixer {

    /** 4 GiB: a relay file at least this big is the FAQ's case. */
    private static final long FOUR_GIB = 1L << 32;

    private final AtomicFileWriter writer;

    public RelayMetaFixer() {
        this(new AtomicFileWriter());
    }

    /** With a given writer: tests inject failures into the rename. */
    public RelayMetaFixer(AtomicFileWriter writer) {
        this.writer = writer;
    }

    public RelayMetaFixReport fix(RelayMetaFixRequest request) {
        Run run = new Run(request);
        try {
            return run.execute();
        } catch (FixRefusedException e) {
            return run.report(FixOutcome.REFUSED, e.getMessage());
        } catch (IOException | RuntimeException e) {
            return run.report(FixOutcome.REFUSED, "file error: " + e + (run.backupCreated ? "; the backup "
                    + run.backup + " was created and is kept" : "") + "; " + run.metaStateAfterError());
        }
    }

    private final class Run {

        private final RelayMetaFixRequest request;
        private RelayDirectory dir;
        private Path backup;
        private boolean backupCreated;
        private byte[] originalBytes;
        private RelayMeta before;
        private RelayMeta after;
        private Map<String, Object> relayBinlog;

        Run(RelayMetaFixRequest request) {
            this.request = request;
        }

        RelayMetaFixReport execute() throws FixRefusedException, IOException {
            dir = RelayDirectory.open(request.relayDir(), request.subDir());
            backup = dir.backupFile(request.remediationId());
            Optional<String> suffix = request.binlogFile().relaySuffix();
            if (suffix.isPresent() && !suffix.get().equals(RelayDirectory.suffixOf(dir.subDirName()))) {
                throw new FixRefusedException("refused: --binlog-file " + request.binlogFile() + " names relay sub-dir"
                        + " suffix " + suffix.get() + " but the current sub-dir is " + dir.subDirName()
                        + "; nothing was changed");
            }
            Path meta = dir.metaFile();
            originalBytes = readRegularFile(meta, "relay.meta");
            before = parse(originalBytes, meta);
            relayBinlog = describeRelayBinlog();

            if (!request.binlogFile().plain().equals(before.binlogName())) {
                throw new FixRefusedException("refused: " + meta + " has binlog-name = \"" + before.binlogName()
                        + "\" but the affected file is " + request.binlogFile().plain() + ": the error and the relay"
                        + " meta disagree, a human must look; nothing was changed");
            }
            if (GtidMode.isRealGtidSet(before.binlogGtid())) {
                throw new FixRefusedException("refused: " + meta + " has binlog-gtid = \"" + before.binlogGtid()
                        + "\": with GTID the relay resumes from the GTID set, and a position-only edit would leave"
                        + " the GTID inconsistent with the position; fix it by hand (DM docs error-handling); nothing"
                        + " was changed");
            }
            if (Boolean.TRUE.equals(relayBinlog.get("exists"))
                    && request.position() > ((Number) relayBinlog.get("sizeBytes")).longValue()) {
                throw new FixRefusedException("refused: position " + request.position() + " is beyond the end of the"
                        + " relay file " + relayBinlog.get("path") + " (" + relayBinlog.get("sizeBytes")
                        + " bytes); nothing was changed");
            }

            BasicFileAttributes backupAttrs = RelayDirectory.attributes(backup);
            if (backupAttrs != null) {
                if (!backupAttrs.isRegularFile()) {
                    throw new FixRefusedException("refused: the backup path " + backup + " exists and is not a regular"
                            + " file; a human must look; nothing was changed");
                }
                RelayMeta saved = parse(readRegularFile(backup, "the backup"), backup);
                Map<String, Object> target = saved.withBinlogPos(request.position()).document().values();
                if (before.document().values().equals(target)) {
                    after = before;
                    return report(FixOutcome.ALREADY_APPLIED, "already applied: " + meta + " is at ("
                            + before.binlogName() + ", " + request.position() + "); backup " + backup + " kept;"
                            + " nothing was written");
                }
                if (!before.document().values().equals(saved.document().values())) {
                    throw new FixRefusedException("refused: " + meta + " differs both from the backup " + backup
                            + " and from the fixed state (did the relay run since the backup was taken, or was"
                            + " --position changed between runs?); a human must look; nothing was changed");
                }
            } else {
                writer.createNew(backup, originalBytes, meta);
                backupCreated = true;
                if (before.binlogPos() == request.position()) {
                    after = before;
                    return report(FixOutcome.ALREADY_APPLIED, "already applied: " + meta + " was already at ("
                            + before.binlogName() + ", " + request.position() + "); backup " + backup
                            + " created; nothing else was written");
                }
            }

            RelayMeta intended = before.withBinlogPos(request.position());
            byte[] newBytes = intended.document().render().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            writer.replace(meta, newBytes);

            byte[] written = readRegularFile(meta, "relay.meta");
            RelayMeta readBack = parse(written, meta);
            if (!Arrays.equals(written, newBytes)
                    || !readBack.document().values().equals(intended.document().values())) {
                // someone else wrote in between: put the original back rather than leave an unknown state
                writer.replace(meta, originalBytes);
                throw new FixRefusedException("refused: " + meta + " did not read back as written; the original"
                        + " content was restored from memory (backup " + backup + ")");
            }
            after = readBack;
            return report(FixOutcome.FIXED, "fixed: " + meta + " binlog-pos " + before.binlogPos() + " -> "
                    + request.position() + " in " + before.binlogName() + "; backup " + backup
                    + (backupCreated ? " (created now)" : " (from an earlier run of this remediation)")
                    + ". Restart the DM-worker so the relay re-pulls the file.");
        }

        private RelayMeta parse(byte[] bytes, Path file) throws FixRefusedException {
            try {
                return RelayMeta.of(TomlSubset.parse(bytes));
            } catch (TomlSubset.ParseException e) {
                throw new FixRefusedException("refused: " + file + " is not a relay.meta this fixer understands ("
                        + e.getMessage() + "); a human must look; nothing was changed");
            }
        }

        private byte[] readRegularFile(Path file, String what) throws IOException, FixRefusedException {
            BasicFileAttributes attrs = RelayDirectory.attributes(file);
            if (attrs == null) {
                throw new FixRefusedException("refused: " + what + " " + file + " does not exist; nothing was"
                        + " changed");
            }
            if (!attrs.isRegularFile()) {
                throw new FixRefusedException("refused: " + what + " " + file + " is " + (attrs.isSymbolicLink()
                        ? "a symbolic link" : "not a regular file") + "; nothing was changed");
            }
            if (attrs.size() > 64 * 1024) {
                throw new FixRefusedException("refused: " + what + " " + file + " is " + attrs.size() + " bytes;"
                        + " a relay.meta is a few lines; nothing was changed");
            }
            return Files.readAllBytes(file);
        }

        private Map<String, Object> describeRelayBinlog() throws IOException {
            Path file = dir.binlogFile(request.binlogFile());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", file.toString());
            BasicFileAttributes attrs = RelayDirectory.attributes(file);
            boolean exists = attrs != null && attrs.isRegularFile();
            m.put("exists", exists);
            m.put("sizeBytes", exists ? attrs.size() : null);
            m.put("overFourGiB", exists && attrs.size() >= FOUR_GIB);
            return m;
        }

        /** After an I/O error: say whether relay.meta still has its original bytes. */
        String metaStateAfterError() {
            if (dir == null || originalBytes == null) {
                return "nothing was changed";
            }
            try {
                return Arrays.equals(Files.readAllBytes(dir.metaFile()), originalBytes)
                        ? "relay.meta is unchanged" : "relay.meta changed: compare it with the backup";
            } catch (IOException e) {
                return "relay.meta could not be re-read: " + e.getMessage();
            }
        }

        RelayMetaFixReport report(FixOutcome outcome, String message) {
            return new RelayMetaFixReport(outcome,
                    dir == null ? request.relayDir().toString() : dir.relayDir().toString(),
                    dir == null ? request.subDir().orElse(null) : dir.subDirName(),
                    dir == null ? null : dir.metaFile().toString(),
                    request.binlogFile().asGiven(),
                    request.position(),
                    backup == null ? null : backup.toString(),
                    backupCreated,
                    before == null ? null : before.document().values(),
                    after == null ? null : after.document().values(),
                    relayBinlog,
                    message);
        }
    }
}
