package io.dmremediation.playbook;

import java.time.Duration;

/**
 * The parts of the spec the playbooks need beyond decisions: where credentials and relay logs are, and how
 * repair Jobs run.
 *
 * @param downstreamSecret   the Secret with host/port/user/password of the downstream, or null
 * @param relayDir           the relay-dir DM-workers use, when the source config does not say
 * @param volumeMountPath    where the worker pod mounts its data volume
 * @param volumeName         the worker pod's data volume
 * @param perWorkerRelayDir  DM 5.4+ worker relay-dir: logs live in relayDir/&lt;worker&gt;
 * @param jobImage           the operator's image, which repair Jobs run
 * @param jobDeadline        activeDeadlineSeconds of repair Jobs
 * @param jobTtl             ttlSecondsAfterFinished of repair Jobs
 * @param restoreSafeMode    put the task's own safe-mode back after a checkpoint fix
 * @param jobPod             pull secrets, resources, tolerations and security settings of the repair Jobs' pods
 */
public record RemediationSettings(String downstreamSecret, String relayDir, String volumeMountPath, String volumeName,
                                  boolean perWorkerRelayDir, String jobImage, Duration jobDeadline, Duration jobTtl,
                                  boolean restoreSafeMode, JobPodSettings jobPod) {

    public RemediationSettings {
        jobPod = jobPod == null ? JobPodSettings.DEFAULTS : jobPod;
    }
}
