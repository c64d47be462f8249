package io.dmremediation.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.diagnosis.Diagnosis;
import io.dmremediation.dm.DmHttpSettings;
import io.dmremediation.dm.DmMasterClients;
import io.dmremediation.dm.DmMasterConnection;
import io.dmremediation.dm.DmMasterException;
import io.dmremediation.domain.DmSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The whole client path under mutated replies: {@link DmMasterConnection#status} with no task named reads the
 * OpenAPI task list, then the source status of sources read through relay, then the gateway status of every task
 * that is not healthy. Every one of those replies is mutated here, so values the parsers accept but the
 * connection's own logic trips over (an empty source name, a task named "..") are reached too. The parsers alone
 * cannot show those: the defects this test found were in the connection, not in a parser.
 */
class ConnectionFuzzTest {

    @Test
    void statusThroughMutatedRepliesIsASnapshotOrATypedError() throws Exception {
        long seed = 0xD11A_0005L;
        Mutator m = new Mutator(seed);
        AtomicReference<String> taskList = new AtomicReference<>();
        AtomicReference<String> sourceStatus = new AtomicReference<>();
        AtomicReference<String> gatewayStatus = new AtomicReference<>();
        String list = Seeds.openApiTaskList();
        String sources = Seeds.openApiSourceStatus().replace("\"Paused\"", "\"Running\"");
        String gateway = Seeds.gatewayWithRelayErrors();
        List<String> failures = new ArrayList<>();
        int snapshots = 0;
        int typed = 0;
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "connection-fuzz");
            t.setDaemon(true);
            return t;
        });
        try (WireServer dm = new WireServer(); Harness oracle = new Harness("connection fuzz (evidence oracle only)", seed, 1)) {
            dm.on("GET", "/api/v1/dm.json", WireServer.json("{\"paths\": {\"/api/v1/tasks/{task-name}/start\": {}}}"));
            dm.on("GET", "/api/v1/tasks", (req, out) -> WireServer.json(taskList.get()).respond(req, out));
            dm.otherwise((req, out) -> WireServer.json(req.path().startsWith("/api/v1/sources/")
                    ? sourceStatus.get() : gatewayStatus.get()).respond(req, out));
            DmMasterConnection conn = DmMasterClients.connect(dm.url(), DmHttpSettings.DEFAULTS);
            for (int n = 0; n < 600; n++) {
                // mutate one of the three replies (structure or text), keep the other two as DM sends them
                int which = n % 3;
                Mutator.Mutant mutant = switch (which) {
                    case 0 -> n % 2 == 0 ? m.structural(list) : m.textual(list);
                    case 1 -> n % 2 == 0 ? m.structural(sources) : m.textual(sources);
                    default -> n % 2 == 0 ? m.structural(gateway) : m.textual(gateway);
                };
                taskList.set(which == 0 ? mutant.text() : list);
                sourceStatus.set(which == 1 ? mutant.text() : sources);
                gatewayStatus.set(which == 2 ? mutant.text() : gateway);
                String where = "case " + n + " (seed " + seed + ") " + new String[] {"task list", "source status",
                    "gateway status"}[which] + ": " + mutant.description();
                Future<DmSnapshot> f = worker.submit(() -> conn.status(List.of()));
                try {
                    DmSnapshot s = f.get(10, TimeUnit.SECONDS);
                    snapshots++;
                    String evidence = oracle.evidenceProblem(
                            List.of(taskList.get(), sourceStatus.get(), gatewayStatus.get()), Diagnosis.diagnose(s));
                    if (evidence != null) {
                        failures.add(where + ": " + evidence);
                    }
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof DmMasterException) {
                        typed++;
                    } else {
                        failures.add(where + ": escaped as " + e.getCause() + " at " + e.getCause().getStackTrace()[0]
                                + "; reply " + Harness.shorten(Harness.printable(mutant.text()), 300));
                    }
                } catch (TimeoutException e) {
                    f.cancel(true);
                    failures.add(where + ": still running after 10 s");
                    break;
                }
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.println("connection fuzz (seed " + seed + "): 600 cases, " + snapshots + " snapshots, " + typed
                + " typed errors, " + failures.size() + " failures");
        assertThat(failures).isEmpty();
        assertThat(snapshots).isGreaterThan(100);
        assertThat(typed).isGreaterThan(100);
    }
}
