package io.dmremediation.sandbox.dmmaster;

/** The subset of DM's {@code pb.Stage} (§3.2) a simulated subtask or relay unit goes through. */
enum SimStage {
    NEW("New"), RUNNING("Running"), PAUSED("Paused"), STOPPED("Stopped");

    private final String dmName;

    SimStage(String dmName) {
        this.dmName = dmName;
    }

    String dmName() {
        return dmName;
    }
}
