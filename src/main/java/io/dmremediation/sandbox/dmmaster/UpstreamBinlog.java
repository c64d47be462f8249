package io.dmremediation.sandbox.dmmaster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One source's upstream binlog files (names and sizes, a file may be over 4 GiB) and the rules that decide
 * whether a stored (uint32) position names a real event boundary (§9).
 *
 * <p>A stored position {@code p} in file {@code F} is valid when {@code 4 <= p <= size(F)} for a normal file.
 * For a file over 4 GiB a stored value may be the low 32 bits of a larger offset, which points into the
 * middle of an event: there it is valid only when it is 4 (the FAQ's fix) or a boundary below 4 GiB that was
 * really written (recorded by {@link #recordGenuine}).
 */
final class UpstreamBinlog {

    /** The size given to a file made "over 4 GiB" by a fault: 4 GiB + 512 MiB. */
    static final long BIG_FILE_SIZE = (1L << 32) + (512L << 20);

    enum Validity { VALID, MID_EVENT, BEYOND_END, NO_SUCH_FILE }

    private final List<String> names = new ArrayList<>();
    private final Map<String, Long> sizes = new HashMap<>();
    private final Map<String, Set<Long>> genuine = new HashMap<>();

    void append(String name, long size) {
        if (size < 4) {
            throw new IllegalArgumentException("a binlog file is at least 4 bytes (its magic): " + name);
        }
        if (!sizes.containsKey(name)) {
            if (!names.isEmpty() && compareNames(names.get(names.size() - 1), name) >= 0) {
                throw new IllegalArgumentException("binlog files must be added in order: " + name);
            }
            names.add(name);
        }
        sizes.put(name, size);
    }

    boolean isEmpty() {
        return names.isEmpty();
    }

    boolean has(String name) {
        return sizes.containsKey(name);
    }

    long size(String name) {
        Long s = sizes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no upstream binlog file " + name);
        }
        return s;
    }

    List<String> files() {
        return List.copyOf(names);
    }

    boolean isBig(String name) {
        return has(name) && size(name) > Position.UINT32_MAX;
    }

    Position first() {
        return new Position(names.get(0), 4);
    }

    /** The master's current location: the end of the last file. */
    Position master() {
        String last = names.get(names.size() - 1);
        return new Position(last, size(last));
    }

    int index(String name) {
        return names.indexOf(name);
    }

    int compare(Position a, Position b) {
        int c = Integer.compare(index(a.file()), index(b.file()));
        return c != 0 ? c : Long.compare(a.offset(), b.offset());
    }

    Position min(Position a, Position b) {
        return compare(a, b) <= 0 ? a : b;
    }

    Position max(Position a, Position b) {
        return compare(a, b) >= 0 ? a : b;
    }

    /** Whether DM, reading from this stored position, would find an event there. */
    Validity check(String file, long storedPos) {
        if (!has(file)) {
            return Validity.NO_SUCH_FILE;
        }
        long size = size(file);
        if (storedPos < 4) {
            return Validity.MID_EVENT;
        }
        if (size <= Position.UINT32_MAX) {
            return storedPos <= size ? Validity.VALID : Validity.BEYOND_END;
        }
        if (storedPos == 4 || genuine.getOrDefault(file, Set.of()).contains(storedPos)) {
            return Validity.VALID;
        }
        return Validity.MID_EVENT;
    }

    /** A position DM wrote while it was still below 4 GiB is a real event boundary. */
    void recordGenuine(Position p) {
        if (!p.overflowed() && has(p.file())) {
            genuine.computeIfAbsent(p.file(), f -> new HashSet<>()).add(p.offset());
        }
    }

    /** Moves from {@code from} towards {@code limit} by at most {@code budget} bytes, across file ends. */
    Position advance(Position from, Position limit, long budget) {
        if (!has(from.file()) || !has(limit.file())) {
            // a purged file cannot be read
            return from;
        }
        Position cur = from;
        long left = budget;
        int guard = names.size() + 2;
        while (compare(cur, limit) < 0 && guard > 0) {
            int i = index(cur.file());
            int li = index(limit.file());
            long end = i == li ? limit.offset() : size(cur.file());
            if (cur.offset() < end) {
                if (left <= 0) {
                    break;
                }
                long step = Math.min(left, end - cur.offset());
                cur = new Position(cur.file(), cur.offset() + step);
                left -= step;
            } else if (i < li) {
                cur = new Position(names.get(i + 1), 4);
                guard--;
            } else {
                break;
            }
        }
        return cur;
    }

    /** Bytes between two positions ({@code a <= b}). */
    long distance(Position a, Position b) {
        if (!has(a.file()) || !has(b.file()) || compare(a, b) >= 0) {
            return 0;
        }
        int ia = index(a.file());
        int ib = index(b.file());
        if (ia == ib) {
            return b.offset() - a.offset();
        }
        long d = size(a.file()) - a.offset();
        for (int i = ia + 1; i < ib; i++) {
            d += size(names.get(i)) - 4;
        }
        return d + b.offset() - 4;
    }

    /**
     * Whether replaying from {@code from} to {@code to} goes through bytes above 4 GiB of some file: such a
     * replay outlasts DM's automatic safe-mode window, so it needs {@code safe-mode: true} (§8, FAQ).
     */
    boolean replayCrossesOverflowRegion(Position from, Position to) {
        if (!has(from.file()) || !has(to.file()) || compare(from, to) >= 0) {
            return false;
        }
        int ia = index(from.file());
        int ib = index(to.file());
        for (int i = ia; i <= ib; i++) {
            String f = names.get(i);
            if (!isBig(f)) {
                continue;
            }
            long hi = i == ib ? to.offset() : size(f);
            if (hi > Position.UINT32_MAX) {
                return true;
            }
        }
        return false;
    }

    /** Makes {@code file} a file over 4 GiB (adding it when absent) and makes sure a later file exists. */
    void makeBig(String file) {
        if (!has(file)) {
            append(file, BIG_FILE_SIZE);
        } else if (!isBig(file)) {
            sizes.put(file, BIG_FILE_SIZE);
        }
        if (names.get(names.size() - 1).equals(file)) {
            append(nextName(file), 4096);
        }
    }

    /** {@code PURGE BINARY LOGS TO 'file'}: the files before it are gone from the upstream. */
    void purgeBefore(String file) {
        int i = index(file);
        if (i <= 0) {
            return;
        }
        for (String gone : new ArrayList<>(names.subList(0, i))) {
            sizes.remove(gone);
            genuine.remove(gone);
        }
        names.subList(0, i).clear();
    }

    void grow(long bytes) {
        String last = names.get(names.size() - 1);
        sizes.put(last, size(last) + bytes);
    }

    /** {@code mysql-bin.000003} → {@code mysql-bin.000004}, keeping the width. */
    static String nextName(String file) {
        int dot = file.lastIndexOf('.');
        String seq = file.substring(dot + 1);
        long n = Long.parseLong(seq) + 1;
        return file.substring(0, dot + 1) + String.format("%0" + seq.length() + "d", n);
    }

    /**
     * A checkpoint's {@code binlog_name} may carry the relay sub-dir suffix: {@code mysql-bin|000001.004451}
     * is file {@code mysql-bin.004451} (§6). Both forms are accepted.
     */
    static String plainName(String binlogName) {
        int bar = binlogName.indexOf('|');
        if (bar < 0) {
            return binlogName;
        }
        String rest = binlogName.substring(bar + 1);
        int dot = rest.indexOf('.');
        return binlogName.substring(0, bar) + rest.substring(dot);
    }

    /** {@code mysql-bin.004451} in relay sub-dir suffix {@code 000001} → {@code mysql-bin|000001.004451}. */
    static String suffixedName(String file, String subDirSuffix) {
        int dot = file.lastIndexOf('.');
        return file.substring(0, dot) + "|" + subDirSuffix + file.substring(dot);
    }

    private static int compareNames(String a, String b) {
        int da = a.lastIndexOf('.');
        int db = b.lastIndexOf('.');
        try {
            return Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }
}
