package io.dmremediation.operator;

import io.dmremediation.api.ActiveRemediation;
import io.dmremediation.api.StoppedTask;
import io.dmremediation.api.TaskState;
import io.dmremediation.dm.DmMasterException;
import io.dmremediation.dm.TaskPresence;
import io.dmremediation.playbook.ConfigVault;
import io.dmremediation.playbook.SavedConfigs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks the operator stopped and could not start again ({@code status.leftStopped}): said loudly while they stay
 * stopped, each with the Secret that holds its config, and let go once DM holds the task again (a person started
 * it), which is also when that Secret is deleted.
 */
final class LeftStopped {

    private static final Logger LOG = LoggerFactory.getLogger(LeftStopped.class);

    private LeftStopped() {
    }

    /** Records a task left stopped by remediation {@code a}. */
    static void add(CycleState s, ActiveRemediation a, String task, String reason) {
        String secret = ConfigVault.secretName(a.id);
        s.status.leftStopped.removeIf(t -> task.equals(t.task));
        s.status.leftStopped.add(new StoppedTask(task, a.source, secret, ConfigVault.key(task), a.masterUrl,
                s.now.toString(), reason));
        s.services.metrics().leftStopped(a.errorClass);
        s.event(EventReason.TaskLeftStopped, "task " + task + " is stopped and the operator could not start it "
                + "again: " + reason + ". Its config is in Secret " + secret + " (key " + ConfigVault.key(task)
                + "): start it with dmctl start-task from that config");
        LOG.warn("task left stopped task={} source={} secret={} reason={}", task, a.source, secret, reason);
        mirror(s);
    }

    /**
     * Drops the entries whose task DM-master holds again and deletes the Secrets no entry needs any more. DM-master
     * not answering keeps everything as it is.
     */
    static void release(CycleState s) {
        if (s.status.leftStopped.isEmpty()) {
            return;
        }
        List<StoppedTask> still = new ArrayList<>();
        Set<String> released = new HashSet<>();
        for (StoppedTask t : s.status.leftStopped) {
            TaskPresence presence;
            try {
                presence = (t.masterUrl != null ? s.services.connections().get(t.masterUrl) : s.dm)
                        .taskPresence(t.task);
            } catch (DmMasterException e) {
                still.add(t);
                continue;
            }
            if (presence == TaskPresence.PRESENT) {
                released.add(t.configSecret);
                s.event(EventReason.TaskRunningAgain, "task " + t.task + " is held by DM-master again; Secret "
                        + t.configSecret + " is no longer needed for it");
                s.history(t.task, (io.dmremediation.diagnosis.Finding) null, "LeftStopped", "Cleared",
                        "DM-master holds the task again");
            } else {
                still.add(t);
            }
        }
        s.status.leftStopped = still;
        SavedConfigs vault = s.services.edges().vault(s.resource);
        for (String secret : released) {
            if (still.stream().noneMatch(t -> secret.equals(t.configSecret))) {
                SavedConfigSweep.release(s, vault, secret);
            }
        }
        mirror(s);
    }

    /** The rows of guarded tasks say it too, so {@code kubectl get dmr -o yaml} shows it where people look. */
    static void mirror(CycleState s) {
        for (TaskState row : s.status.tasks) {
            StoppedTask t = s.status.leftStopped.stream().filter(x -> row.name.equals(x.task)).findFirst()
                    .orElse(null);
            row.leftStopped = t == null ? null : Boolean.TRUE;
            row.configSecret = t == null ? null : t.configSecret;
            if (t != null) {
                row.escalated = Boolean.TRUE;
                row.lastAction = "LeftStopped";
            }
        }
    }
}
