package io.dmremediation.fixer;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What to fix in a relay dir: {@code relay.meta} of the sub-dir (default: the current one) gets
 * {@code binlog-pos = position}. Constructing one validates every field.
 */
public record RelayMetaFixRequest(
        Path relayDir,
        Optional<String> subDir,
        BinlogFileName binlogFile,
        long position,
        String remediationId) {

    public RelayMetaFixRequest {
        Objects.requireNonNull(relayDir, "relayDir");
        if (!relayDir.isAbsolute()) {
            throw new InvalidFixRequestException("relay dir " + relayDir + " is not an absolute path");
        }
        for (Path part : relayDir) {
            if (part.toString().equals("..")) {
                throw new InvalidFixRequestException("relay dir " + relayDir + " contains '..'");
            }
        }
        Objects.requireNonNull(subDir, "subDir");
        subDir.ifPresent(RelayDirectory::checkSubDirName);
        Objects.requireNonNull(binlogFile, "binlogFile");
        BinlogPosition.check(position);
        Identifiers.remediationId(remediationId);
    }

    public static RelayMetaFixRequest of(String relayDir, String subDir, String binlogFile, long position,
                                         String remediationId) {
        if (relayDir == null || relayDir.isEmpty()) {
            throw new InvalidFixRequestException("relay dir is empty");
        }
        Path dir;
        try {
            dir = Path.of(relayDir);
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidFixRequestException("relay dir " + Identifiers.printable(relayDir) + " is not a path");
        }
        return new RelayMetaFixRequest(dir, Optional.ofNullable(subDir).filter(s -> !s.isEmpty()),
                BinlogFileName.parse(binlogFile), position, remediationId);
    }
}
