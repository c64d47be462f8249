package io.dmremediation.dm;

import io.dmremediation.domain.DmSnapshot;

/**
 * What a person pasted, read ({@link DmStatusJson#readPasted}): the snapshot, and whether its errors were recovered
 * from input that is not whole DM output (cut off, a log line, a reply quoted in other text).
 */
public record Pasted(DmSnapshot snapshot, boolean recovered) {
}
