package io.dmremediation.realdm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * A binlog position in the middle of an event, with known bytes there: what the FAQ's "> 4 GB" syncer case leaves
 * in a checkpoint. DM stores positions as uint32 (dm-facts §9), so past 4 GiB its checkpoint holds the real offset
 * mod 2^32: a byte inside some event. Producing a 4 GiB file takes minutes and disk (docs/real-dm-checks.md has
 * that run); this makes the same kind of position in a small file.
 *
 * <p>It writes one row whose BLOB value is a run of 64-byte units, each starting with a plausible event header
 * (type INTVAR, size 64) and ending in four bytes that are not its CRC32. The row event stores the value verbatim
 * and its last column ends right before the event's 4-byte checksum, so the units' offsets in the file follow from
 * the event's end position. A reader started at one of them reads a whole "event" and finds its checksum wrong:
 * go-mysql's "binlog checksum mismatch, data may be corrupted", which DM reports as 36069 — the FAQ's own words.
 */
final class MidEventPosition {

    static final int UNIT = 64;
    static final int UNITS = 64;
    private static final int INTVAR_EVENT = 5;

    private MidEventPosition() {
    }

    /** Where: the file and the offset of a fake event header inside a real event. */
    record Location(String file, long position) {
    }

    /**
     * Creates {@code table} ({@code id INT PRIMARY KEY, data BLOB}) if needed, writes the row, and returns the offset
     * of the tenth unit inside the row's event.
     */
    static Location plant(UpstreamMariaDb upstream, String table, int id) {
        String file = upstream.currentBinlogFile();
        try (Connection c = upstream.admin()) {
            try (var st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + table + " (id INT PRIMARY KEY, data BLOB)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, data) VALUES (?, ?)")) {
                ps.setInt(1, id);
                ps.setBytes(2, payload());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        if (!file.equals(upstream.currentBinlogFile())) {
            throw new IllegalStateException("the binlog rotated while planting the row");
        }
        String unqualified = table.substring(table.indexOf('.') + 1);
        String schema = table.substring(0, table.indexOf('.'));
        List<UpstreamMariaDb.BinlogEvent> events = upstream.events(file);
        long rowsEnd = -1;
        for (int i = 0; i + 1 < events.size(); i++) {
            UpstreamMariaDb.BinlogEvent map = events.get(i);
            UpstreamMariaDb.BinlogEvent rows = events.get(i + 1);
            if (map.type().equals("Table_map") && map.info().contains("(" + schema + "." + unqualified + ")")
                    && rows.type().startsWith("Write_rows")) {
                rowsEnd = rows.endPos();
            }
        }
        if (rowsEnd < 0) {
            throw new IllegalStateException("no row event for " + table + " in " + file + ": " + events);
        }
        // the value ends where the 4-byte CRC32 of the row event starts
        long valueStart = rowsEnd - 4 - (long) UNIT * UNITS;
        return new Location(file, valueStart + 10L * UNIT);
    }

    static byte[] payload() {
        ByteBuffer b = ByteBuffer.allocate(UNIT * UNITS).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < UNITS; i++) {
            b.putInt(0);                              // timestamp
            b.put((byte) INTVAR_EVENT);               // type
            b.putInt(UpstreamMariaDb.SERVER_ID);      // server id
            b.putInt(UNIT);                           // event size: the whole unit
            b.putInt(0);                              // next position
            b.putShort((short) 0);                    // flags
            for (int j = 19; j < UNIT; j++) {
                b.put((byte) 0xAA);                   // body, and a "checksum" that is not one
            }
        }
        return b.array();
    }
}
