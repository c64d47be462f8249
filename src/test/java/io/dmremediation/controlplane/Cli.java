package io.dmremediation.controlplane;

import io.dmremediation.packaging.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kubectl and helm (fetched by {@link Tools}) against the control plane, as its admin, with their homes and caches
 * under target/ so nothing of the user's ~/.kube or helm config is read or written.
 */
public final class Cli {

    private final Map<String, String> env;

    private Cli(Path kubeconfig) {
        Path home = Tools.targetDir().resolve("control-plane-cli-home");
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.env = Map.of("KUBECONFIG", kubeconfig.toString(), "HOME", home.toString(),
                "HELM_CONFIG_HOME", home.resolve("helm-config").toString(),
                "HELM_CACHE_HOME", home.resolve("helm-cache").toString(),
                "HELM_DATA_HOME", home.resolve("helm-data").toString());
    }

    public static Cli of(ControlPlane cp) {
        return new Cli(cp.adminKubeconfig());
    }

    public Tools.Run kubectl(String... args) {
        return Tools.run(Tools.cmd(Tools.kubectl(), args), env, Duration.ofMinutes(2));
    }

    /** kubectl with {@code stdin} as its input (for {@code apply -f -}). */
    public Tools.Run kubectlWithInput(String stdin, String... args) {
        try {
            Path in = Files.createTempFile(Tools.targetDir(), "kubectl-in-", ".yaml");
            try {
                Files.writeString(in, stdin);
                List<String> all = new ArrayList<>(List.of(args));
                for (int i = 0; i < all.size(); i++) {
                    if (all.get(i).equals("-")) {
                        all.set(i, in.toString());
                    }
                }
                return kubectl(all.toArray(String[]::new));
            } finally {
                Files.deleteIfExists(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Tools.Run helm(String... args) {
        return Tools.run(Tools.cmd(Tools.helm(), args), env, Duration.ofMinutes(3));
    }

    /** Fails with the tool's output unless it exits 0; its stdout otherwise. */
    public static String ok(Tools.Run run, String what) {
        if (run.exitCode() != 0) {
            throw new AssertionError(what + " exited " + run.exitCode() + ": " + run.all());
        }
        return run.stdout();
    }
}
