package io.dmremediation.playbook;

/** What a person does by hand where FixRelayMeta refuses: the same detour with dmctl, or DM's documented procedure. */
final class RelayManualProcedure {

    private RelayManualProcedure() {
    }

    static String text(String source, String bigFile) {
        String file = bigFile == null ? "the binlog file over 4 GB" : bigFile;
        return "By hand: (1) dmctl stop-relay -s " + source + " (without worker names when its source config has"
                + " enable-relay: true, else naming its relay workers); (2) wait until query-status shows every task of "
                + source + " reading remote with syncerBinlog in a file after " + file + "; (3) dmctl start-relay -s "
                + source + " (the same way). Or DM's documented procedure (dm-error-handling.md, 'The relay unit throws"
                + " error event from * in * diff from passed-in event *'): stop the DM-worker, copy " + file
                + " from the upstream into the relay sub-directory, set relay.meta to the next file with binlog-pos = 4,"
                + " start the DM-worker (with a spare worker, make sure the source comes back to the same one)";
    }
}
