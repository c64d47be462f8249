package io.dmremediation.fixer;

/**
 * The typed view of {@code relay.meta} (DM's {@code LocalMeta}: {@code binlog-name}, {@code binlog-pos} uint32,
 * {@code binlog-gtid}; pingcap/tiflow dm/relay/meta.go). Keys DM does not define are kept in the document
 * untouched; the three known ones must have DM's types.
 */
public record RelayMeta(TomlDocument document, String binlogName, long binlogPos, String binlogGtid) {

    public static final String NAME_KEY = "binlog-name";
    public static final String POS_KEY = "binlog-pos";
    public static final String GTID_KEY = "binlog-gtid";

    /** Reads the typed fields; the message says what is missing or wrong. */
    public static RelayMeta of(TomlDocument doc) throws TomlSubset.ParseException {
        Object name = doc.get(NAME_KEY).orElseThrow(() -> new TomlSubset.ParseException("no " + NAME_KEY + " key"));
        if (!(name instanceof String n) || n.isEmpty()) {
            throw new TomlSubset.ParseException(NAME_KEY + " is not a non-empty string");
        }
        Object pos = doc.get(POS_KEY).orElseThrow(() -> new TomlSubset.ParseException("no " + POS_KEY + " key"));
        if (!(pos instanceof Long p) || p < 0 || p > BinlogPosition.MAX) {
            throw new TomlSubset.ParseException(POS_KEY + " is not an integer in 0.." + BinlogPosition.MAX
                    + " (DM stores a uint32)");
        }
        Object gtid = doc.get(GTID_KEY).orElse("");
        if (!(gtid instanceof String g)) {
            throw new TomlSubset.ParseException(GTID_KEY + " is not a string");
        }
        return new RelayMeta(doc, n, p, g);
    }

    public RelayMeta withBinlogPos(long pos) {
        return new RelayMeta(document.withInteger(POS_KEY, pos), binlogName, pos, binlogGtid);
    }
}
