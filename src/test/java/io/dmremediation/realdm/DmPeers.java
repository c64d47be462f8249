package io.dmremediation.realdm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real DM and TiDB binaries {@code test-peers/dm/build.sh} built: dm-master, dm-worker, dmctl, tidb-server.
 * Where: system property {@code dmr.dm.peers} (a directory holding the four), else where the build script puts the
 * one tiflow version the Go module proxy serves: {@code $DMR_PEERS_DIR} or {@code ~/.cache/dm-remediation/peers}.
 */
record DmPeers(Path dir) {

    /** The pseudo-version of github.com/pingcap/tiflow the Go module proxy serves (master of 2022-03-28). */
    static final String SERVED_TIFLOW = "v0.0.0-20220328100242-cc3de9e9e050";

    static DmPeers locate() {
        String configured = System.getProperty("dmr.dm.peers", "");
        String root = System.getenv().getOrDefault("DMR_PEERS_DIR", "");
        Path peersRoot = root.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "dm-remediation", "peers") : Path.of(root);
        Path dir = configured.isBlank() ? peersRoot.resolve("dm-" + SERVED_TIFLOW) : Path.of(configured);
        DmPeers peers = new DmPeers(dir);
        for (String b : new String[] {"dm-master", "dm-worker", "dmctl", "tidb-server"}) {
            if (!Files.isExecutable(peers.binary(b))) {
                throw new IllegalStateException(peers.binary(b) + " is missing: run test-peers/dm/build.sh first "
                        + "(mvn -Preal-dm verify runs it), or point -Ddmr.dm.peers at a directory holding the binaries");
            }
        }
        return peers;
    }

    Path binary(String name) {
        return dir.resolve(name);
    }

    /** {@code dm-master -V}'s release line, e.g. {@code Release Version: v6.0.0-dmr-v0.0.0-2022…}. */
    String dmVersion() {
        try {
            Process p = new ProcessBuilder(binary("dm-master").toString(), "-V").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out.lines().filter(l -> l.startsWith("Release Version:")).findFirst()
                    .map(l -> l.substring("Release Version:".length()).strip()).orElse("unknown");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
