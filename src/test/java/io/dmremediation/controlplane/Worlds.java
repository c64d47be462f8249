package io.dmremediation.controlplane;

import io.dmremediation.sandbox.SandboxWorld;
import io.dmremediation.sandbox.World;
import java.util.function.UnaryOperator;

/**
 * The world an acceptance test runs in: the sandbox (fabric8's mock API in this process) by default, the real
 * control plane when the system property {@value #PROPERTY} is {@value #REAL} (the Maven profile
 * {@code real-control-plane} sets it). A test written against {@link World} runs on both.
 */
public final class Worlds {

    public static final String PROPERTY = "dmr.world";
    public static final String REAL = "real-control-plane";
    /** JUnit tag of the tests that run on both worlds: the real-control-plane profile runs them again there. */
    public static final String BOTH = "both-worlds";
    /** JUnit tag of the tests that need the real control plane: only its profile runs them. */
    public static final String REAL_ONLY = "real-control-plane";

    private Worlds() {
    }

    public static boolean real() {
        return REAL.equals(System.getProperty(PROPERTY));
    }

    public static World create() {
        return create(UnaryOperator.identity());
    }

    public static World create(UnaryOperator<SandboxWorld.Builder> options) {
        SandboxWorld.Builder b = options.apply(SandboxWorld.builder());
        return real() ? ControlPlaneWorld.start(b) : b.build();
    }
}
