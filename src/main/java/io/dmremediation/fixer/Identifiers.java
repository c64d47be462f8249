package io.dmremediation.fixer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Validation and quoting of the names that end up in SQL. Every name is checked against a small character set
 * before any connection is opened, and still quoted with backticks when used: the character set keeps hostile
 * input (backticks, quotes, {@code ;}, spaces, {@code ../}) out, the quoting keeps names like {@code task-1} valid.
 */
public final class Identifiers {

    /** MySQL's (and TiDB's) limit for schema and table names. */
    public static final int MAX_IDENTIFIER_LENGTH = 64;
    /** DM stores the source id in {@code id VARCHAR(32)}. */
    public static final int MAX_SOURCE_ID_LENGTH = 32;
    /** A remediation id names a backup; it must leave room for the task in the backup table name. */
    public static final int MAX_REMEDIATION_ID_LENGTH = 40;

    static final String CHECKPOINT_SUFFIX = "_syncer_checkpoint";
    static final String BACKUP_INFIX = "_bak_";
    private static final int HASH_CHARS = 10;

    // Deliberately narrower than what MySQL accepts inside backticks: no dots (schema.table confusion),
    // no spaces, quotes, backticks, slashes or control characters.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]*");
    // Source ids are values, never identifiers; DM's examples use dots and dashes (mysql-replica-01).
    private static final Pattern SOURCE_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private Identifiers() {
    }

    /** The meta schema ({@code meta-schema} of the task, default {@code dm_meta}). */
    public static String metaSchema(String schema) {
        return checkName("meta schema", schema, MAX_IDENTIFIER_LENGTH);
    }

    /** A DM task name; {@code <task>_syncer_checkpoint} must fit in 64 characters. */
    public static String taskName(String task) {
        return checkName("task name", task, MAX_IDENTIFIER_LENGTH - CHECKPOINT_SUFFIX.length());
    }

    public static String sourceId(String source) {
        require("source id", source);
        if (source.length() > MAX_SOURCE_ID_LENGTH) {
            throw new InvalidFixRequestException("source id is " + source.length() + " characters long; DM source ids"
                    + " have at most " + MAX_SOURCE_ID_LENGTH);
        }
        if (!SOURCE_ID.matcher(source).matches()) {
            throw new InvalidFixRequestException("source id " + printable(source) + " may only contain letters, digits,"
                    + " '_', '-' and '.'");
        }
        return source;
    }

    public static String remediationId(String id) {
        return checkName("remediation id", id, MAX_REMEDIATION_ID_LENGTH);
    }

    /** {@code <task>_syncer_checkpoint}, DM's name (pingcap/tiflow dm/pkg/cputil/table.go). */
    public static String checkpointTable(String task) {
        return taskName(task) + CHECKPOINT_SUFFIX;
    }

    /**
     * {@code <task>_syncer_checkpoint_bak_<remediation-id>}, or when that exceeds 64 characters a deterministic
     * shortening that keeps {@code _bak_} (what a human greps for): {@code <start of the checkpoint table>_bak_<start
     * of the remediation id>_<10 hex digits of the full name's SHA-256>}. Distinct full names keep distinct short
     * names, and a re-run of the same remediation finds the same table.
     */
    public static String backupTable(String task, String remediationId) {
        String table = checkpointTable(task);
        String rid = remediationId(remediationId);
        String full = table + BACKUP_INFIX + rid;
        if (full.length() <= MAX_IDENTIFIER_LENGTH) {
            return full;
        }
        int budget = MAX_IDENTIFIER_LENGTH - BACKUP_INFIX.length() - 1 - HASH_CHARS;
        int tablePart = Math.min(table.length(), budget - Math.min(rid.length(), 16));
        int ridPart = Math.min(rid.length(), budget - tablePart);
        return table.substring(0, tablePart) + BACKUP_INFIX + rid.substring(0, ridPart) + "_"
                + sha256Hex(full).substring(0, HASH_CHARS);
    }

    /** Whether {@link #backupTable} had to shorten the name. */
    public static boolean backupTableShortened(String task, String remediationId) {
        return (checkpointTable(task) + BACKUP_INFIX + remediationId).length() > MAX_IDENTIFIER_LENGTH;
    }

    /** A name cut to 64 characters deterministically: unchanged when it fits. */
    static String fitIdentifier(String name) {
        if (name.length() <= MAX_IDENTIFIER_LENGTH) {
            return name;
        }
        String hash = sha256Hex(name).substring(0, HASH_CHARS);
        return name.substring(0, MAX_IDENTIFIER_LENGTH - HASH_CHARS - 1) + "_" + hash;
    }

    /** A validated identifier in backticks; doubling backticks is belt and braces, validation already bars them. */
    public static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    private static String checkName(String what, String value, int maxLength) {
        require(what, value);
        if (value.length() > maxLength) {
            throw new InvalidFixRequestException(what + " is " + value.length() + " characters long; at most "
                    + maxLength + " fit" + (what.equals("task name") ? " (the table " + "<task>" + CHECKPOINT_SUFFIX
                    + " must fit MySQL's 64-character limit)" : ""));
        }
        if (!NAME.matcher(value).matches()) {
            throw new InvalidFixRequestException(what + " " + printable(value) + " may only contain letters, digits,"
                    + " '_' and '-' (and may not start with '-')");
        }
        return value;
    }

    private static void require(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidFixRequestException(what + " is empty");
        }
    }

    /** A value for an error message: quoted, control characters escaped, cut short so a huge input stays readable. */
    static String printable(String value) {
        StringBuilder b = new StringBuilder("'");
        int limit = Math.min(value.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append(value.length() > limit ? "…'" : "'");
        return b.toString();
    }

    static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
