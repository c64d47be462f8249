package io.dmremediation.sandbox.dmmaster;

/**
 * A binlog location as the simulator tracks it: a file name and the <em>true</em> byte offset, which may exceed
 * 4 GiB. DM keeps only the low 32 bits ({@link #uint32Pos()}): that truncation is the FAQ's overflow (§9).
 */
public record Position(String file, long offset) {

    static final long UINT32_MAX = 0xFFFFFFFFL;

    /** What DM stores and prints: {@code offset mod 2^32}. */
    public long uint32Pos() {
        return offset & UINT32_MAX;
    }

    /** True when the stored position no longer equals the true one. */
    public boolean overflowed() {
        return offset > UINT32_MAX;
    }

    /** DM's text form {@code "(mysql-bin.000003, 1234)"} (§2.3, §3). */
    public String dmText() {
        return "(" + file + ", " + uint32Pos() + ")";
    }

    @Override
    public String toString() {
        return file + ":" + offset;
    }
}
