package io.dmremediation.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.api.JobSettings;
import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.World;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What only a real control plane does to the repair Jobs: the TTL-after-finished controller deletes a finished Job
 * after {@code spec.jobs.ttlAfterFinished}, and the garbage collector deletes what the owner references tie to a
 * deleted owner — a Job's pods, a DMRemediation's Jobs.
 */
@Tag(Worlds.REAL_ONLY)
class JobLifecycleTest {

    static final String S1 = World.SOURCE_1;
    ControlPlaneWorld world;
    JobHistory jobs;

    @AfterEach
    void tearDown() {
        if (jobs != null) {
            jobs.close();
        }
        if (world != null) {
            world.close();
        }
    }

    static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions();
    }

    DMRemediationStatus status() {
        return world.status("guard");
    }

    List<Job> liveJobs() {
        return world.client().batch().v1().jobs().inNamespace(world.namespace()).list().getItems();
    }

    @Test
    void finishedJobsGoAfterTheirTtlAndTheirOwnersTakeThemAlong() {
        world = ControlPlaneWorld.start(SandboxWorld.builder());
        jobs = new JobHistory(world.client(), world.namespace());
        world.startOperator();
        world.startTask("orders", S1);
        DMRemediation r = world.remediation("guard", "orders");
        r.getSpec().jobs = new JobSettings();
        r.getSpec().jobs.ttlAfterFinished = "5s";
        world.apply(r);
        eventually().until(() -> "Healthy".equals(status().phase));

        // 1. a checkpoint fix: two Jobs (the pre-check and the fix), each of one pod, Complete; then the TTL
        //    controller deletes them and the garbage collector their pods
        world.dm().injectSyncerOverflow("orders", S1, "mysql-bin.000002");
        eventually().until(() -> status().active == null && !status().history.isEmpty());
        assertThat(status().history.get(0).outcome).as(status().history.get(0).detail).isEqualTo("Succeeded");
        String precheck = jobs.job("dmr-precheck-");
        String fix = jobs.job("dmr-fix-checkpoint-");
        for (String job : List.of(precheck, fix)) {
            assertThat(jobs.completed(job)).as(job + ": " + jobs.conditions(job)).isTrue();
            assertThat(jobs.pods(job)).as(job).hasSize(1);
        }
        eventually().until(() -> jobs.jobDeleted(precheck) && jobs.jobDeleted(fix));
        eventually().until(() -> jobs.pods(precheck).stream().allMatch(jobs::podDeleted)
                && jobs.pods(fix).stream().allMatch(jobs::podDeleted));
        assertThat(liveJobs()).isEmpty();

        // 2. with the TTL back at its default, a restart leaves its pre-check Job; deleting the DMRemediation takes
        //    it (and its pod) along through the owner references
        world.client().resources(DMRemediation.class).inNamespace(world.namespace()).withName("guard").edit(x -> {
            x.getSpec().jobs.ttlAfterFinished = "24h";
            return x;
        });
        world.dm().injectBadConnection("orders", S1, Integer.MAX_VALUE);
        eventually().until(() -> status().active == null && status().history.size() >= 2);
        assertThat(status().history.get(0).action).isEqualTo("RestartTask");
        assertThat(status().history.get(0).outcome).as(status().history.get(0).detail).isEqualTo("Succeeded");
        List<Job> left = liveJobs();
        assertThat(left).as("the restart's pre-check, kept for its TTL").hasSize(1);
        Job kept = left.get(0);
        assertThat(kept.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("DMRemediation");
            assertThat(o.getName()).isEqualTo("guard");
            assertThat(o.getController()).isTrue();
        });
        Set<String> keptPods = jobs.pods(kept.getMetadata().getName());
        assertThat(keptPods).hasSize(1);

        world.client().resources(DMRemediation.class).inNamespace(world.namespace()).withName("guard").delete();
        eventually().until(() -> world.get("guard") == null);
        eventually().until(() -> liveJobs().isEmpty() && keptPods.stream().allMatch(jobs::podDeleted));
        assertThat(world.client().secrets().inNamespace(world.namespace())
                .withLabel("dmremediation.io/owner", "guard").list().getItems()).as("no saved config left").isEmpty();
    }
}
