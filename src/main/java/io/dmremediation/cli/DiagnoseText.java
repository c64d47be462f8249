package io.dmremediation.cli;

import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code diagnose --output text}: each finding in plain words with the DM FAQ's manual steps for its class, written
 * for the DM version when it is given ({@code --dm-version}). Pure: findings in, text out.
 */
final class DiagnoseText {

    /** A DM version as major.minor; null when not given. */
    record Version(int major, int minor) {
        static Version parse(String text) {
            if (text == null) {
                return null;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^v?(\\d+)\\.(\\d+)(\\.\\d+.*)?$").matcher(text.strip());
            if (!m.matches()) {
                throw new Args.UsageException("--dm-version must look like 5.4 or v8.5.4 (got '" + text + "')");
            }
            return new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }

        boolean atLeast(int major, int minor) {
            return this.major > major || (this.major == major && this.minor >= minor);
        }

        @Override
        public String toString() {
            return "v" + major + "." + minor;
        }
    }

    private DiagnoseText() {
    }

    static String render(List<Finding> findings, Version version) {
        StringBuilder b = new StringBuilder();
        if (findings.isEmpty()) {
            return "No errors: every task in the input is healthy. Nothing to do.\n";
        }
        long faq = findings.stream().filter(f -> f.errorClass() != ErrorClass.UNKNOWN).count();
        b.append(findings.size()).append(findings.size() == 1 ? " problem" : " problems").append(" found");
        b.append(faq > 0 ? ", " + faq + " with a fix in the DM FAQ.\n" : ", none of them one the DM FAQ covers.\n");
        int i = 1;
        for (Finding f : findings) {
            b.append('\n').append(i++).append(". ").append(subject(f)).append('\n');
            DmError e = f.primary();
            if (e != null) {
                b.append("   DM says: ").append(e.code() == 0 ? "" : "[code " + e.code() + "] ")
                        .append(shorten(e.text())).append('\n');
            }
            b.append("   What it is: ").append(meaning(f.errorClass())).append('\n');
            b.append("   Why this class: ").append(f.reason()).append('\n');
            List<String> steps = steps(f, version);
            b.append(f.errorClass() == ErrorClass.UNKNOWN ? "   What to do:\n" : "   What to do (the DM FAQ's steps"
                    + (version == null ? "" : ", DM " + version) + "):\n");
            int n = 1;
            for (String s : steps) {
                b.append("     ").append(n++).append(". ").append(s).append('\n');
            }
            if (f.errorClass() != ErrorClass.UNKNOWN) {
                b.append("   The dm-remediation-operator does this as its ").append(f.remedy().id())
                        .append(" playbook.\n");
            }
        }
        if (version == null && findings.stream().anyMatch(f -> f.errorClass() == ErrorClass.RELAY_BINLOG_OVERFLOW)) {
            b.append("\n(Give --dm-version for the steps of your DM version: where relay logs live changed in v5.4.)\n");
        }
        return b.toString();
    }

    private static String subject(Finding f) {
        List<String> parts = new ArrayList<>();
        parts.add(f.task() == null ? "Relay log of source " + orUnknown(f.source())
                : "Task " + f.task() + ", source " + orUnknown(f.source()));
        if (f.worker() != null) {
            parts.add("worker " + f.worker());
        }
        if (f.unit() != Unit.UNKNOWN) {
            parts.add(f.unit().dmName() + " unit");
        }
        return String.join(", ", parts) + ": " + title(f.errorClass());
    }

    private static String orUnknown(String s) {
        return s == null ? "(not named)" : s;
    }

    static String title(ErrorClass c) {
        return switch (c) {
            case INVALID_CONNECTION -> "invalid connection";
            case BAD_CONNECTION -> "driver: bad connection";
            case RELAY_BINLOG_OVERFLOW -> "binlog file over 4 GB, in the relay log";
            case SYNCER_BINLOG_OVERFLOW -> "binlog file over 4 GB, in replication (syncer)";
            case UNKNOWN -> "an error the DM FAQ does not cover";
        };
    }

    private static String meaning(ErrorClass c) {
        return switch (c) {
            case INVALID_CONNECTION -> "the connection to the downstream TiDB broke while a request was being sent "
                    + "(network trouble, a TiDB restart, TiKV busy). DM retries such tasks by itself.";
            case BAD_CONNECTION -> "the connection to the database broke before the request was sent (network trouble, "
                    + "a TiDB restart). Restarting the task gives it fresh connections.";
            case RELAY_BINLOG_OVERFLOW -> "MySQL stores binlog positions in 32 bits, so a position past 4 GB in a big "
                    + "binlog file overflowed, and the relay log's saved position (relay.meta) is wrong.";
            case SYNCER_BINLOG_OVERFLOW -> "MySQL stores binlog positions in 32 bits, so a position past 4 GB in a big "
                    + "binlog file overflowed, and the task's saved checkpoint in the downstream is wrong.";
            case UNKNOWN -> "not one of the errors the DM FAQ gives a fix for; nothing here should be changed "
                    + "automatically.";
        };
    }

    static List<String> steps(Finding f, Version v) {
        String task = f.task() == null ? "<task>" : f.task();
        String source = f.source() == null ? "<source>" : f.source();
        String worker = f.worker() == null ? "<worker>" : f.worker();
        return switch (f.errorClass()) {
            case INVALID_CONNECTION -> List.of(
                    "Wait a few minutes: DM resumes the task by itself (dmctl query-status " + task + " shows it Running).",
                    "If it stays Paused, save its config: dmctl get-config task " + task + " > " + task + ".yaml "
                            + "(put the downstream password back in target-database: DM hides it).",
                    "dmctl stop-task " + task,
                    "dmctl start-task " + task + ".yaml, then dmctl query-status " + task + " until it is Running.");
            case BAD_CONNECTION -> List.of(
                    "Save the task's config: dmctl get-config task " + task + " > " + task + ".yaml (put the downstream "
                            + "password back in target-database: DM hides it).",
                    "dmctl stop-task " + task,
                    "dmctl start-task " + task + ".yaml, then dmctl query-status " + task + " until it is Running.");
            case RELAY_BINLOG_OVERFLOW -> relaySteps(source, worker, v);
            case SYNCER_BINLOG_OVERFLOW -> List.of(
                    "Check that the checkpoint is not in GTID mode and note the big binlog file the error names.",
                    "Save the task's config: dmctl get-config task " + task + " > " + task + ".yaml (put the downstream "
                            + "password back in target-database: DM hides it).",
                    "dmctl stop-task " + task,
                    "In the downstream, back up the checkpoints first: CREATE TABLE <meta-schema>." + task
                            + "_syncer_checkpoint_bak AS SELECT * FROM <meta-schema>." + task + "_syncer_checkpoint;",
                    "Then, in one transaction: UPDATE <meta-schema>." + task + "_syncer_checkpoint SET binlog_pos = 4 "
                            + "WHERE id = '" + source + "' AND binlog_name = '<the big file>'; (the global row and "
                            + "every table row; <meta-schema> is the task's meta-schema, default dm_meta).",
                    "Set safe-mode: true under the task's syncers section in " + task + ".yaml, so re-applied rows "
                            + "do no harm.",
                    "dmctl start-task " + task + ".yaml; once query-status shows the task past the big file, stop it, "
                            + "set safe-mode back and start it again.");
            case UNKNOWN -> List.of(
                    "Read DM's message above and its error handling guide (docs.pingcap.com/tidb/stable/dm-error-handling).",
                    "Look-alikes need other fixes: ERROR 1236 because the upstream purged its binlogs needs the task "
                            + "started again from a new position, not a checkpoint edit.");
        };
    }

    private static List<String> relaySteps(String source, String worker, Version v) {
        String where;
        if (v == null) {
            where = "<relay-dir>/<server-uuid>.<NNNNNN>/relay.meta, where <relay-dir> is the source config's relay-dir"
                    + " (DM v5.4 and later: the DM-worker's own relay-dir plus /" + worker + ", when it is set)";
        } else if (v.atLeast(5, 4)) {
            where = "<relay-dir>/<server-uuid>.<NNNNNN>/relay.meta; with DM " + v + " the DM-worker's relay-dir, when "
                    + "set, wins over the source's, and the logs are then under <worker relay-dir>/" + worker;
        } else {
            where = "<relay-dir>/<server-uuid>.<NNNNNN>/relay.meta, where <relay-dir> is the source config's relay-dir "
                    + "(DM " + v + ")";
        }
        return List.of(
                "Stop the tasks that read source " + source + " (dmctl stop-task <task>, after saving each config with "
                        + "dmctl get-config task <task>).",
                "dmctl stop-relay -s " + source + " " + worker,
                "Stop DM-worker " + worker + " (on Kubernetes: annotate its pod runmode=debug and stop the process).",
                "Back up, then edit " + where + ": set binlog-pos = 4 (keep binlog-name: the big file is read again "
                        + "from its start).",
                "Start DM-worker " + worker + " again, dmctl start-relay -s " + source + " " + worker
                        + ", then start the tasks and check dmctl query-status.");
    }

    private static String shorten(String text) {
        String one = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return one.length() > 300 ? one.substring(0, 297) + "..." : one;
    }
}
