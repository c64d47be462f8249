package io.dmremediation.playbook;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The repair Jobs of a resource ({@link RepairJobs}). */
public interface RepairJobControl {

    /** Creates the Job unless one of that name exists. */
    void createIfAbsent(Job job);

    Optional<Job> get(String name);

    RepairJobs.JobState state(String name, Duration deadline, Instant now);

    void delete(String name);
}
