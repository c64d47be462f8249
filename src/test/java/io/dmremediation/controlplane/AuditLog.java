package io.dmremediation.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API server's audit log (JSON lines, level Metadata): who asked what, and whether RBAC allowed it. A test reads
 * the events written after a mark, so it sees only its own world's.
 */
public final class AuditLog {

    /** One request as the API server authorized it. */
    public record Event(String auditId, Instant at, String user, String pod, String verb, String group,
                        String resource, String namespace, String name, int code, String decision) {

        /** {@code group|resource|verb}, the resource with its subresource ({@code dmremediations/status}). */
        public String key() {
            return group + "|" + resource + "|" + verb;
        }

        public boolean write() {
            return List.of("create", "update", "patch", "delete", "deletecollection").contains(verb);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final long from;

    private AuditLog(Path file, long from) {
        this.file = file;
        this.from = from;
    }

    /** The log from now on. */
    public static AuditLog from(ControlPlane cp) {
        try {
            Path f = cp.auditLog();
            return new AuditLog(f, Files.exists(f) ? Files.size(f) : 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The requests of {@code user} since the mark, one per request (its last stage), in order. */
    public List<Event> of(String user) {
        Map<String, Event> byId = new LinkedHashMap<>();
        for (JsonNode e : read()) {
            if (!user.equals(e.path("user").path("username").asText())) {
                continue;
            }
            JsonNode ref = e.path("objectRef");
            String resource = ref.path("resource").asText();
            if (ref.hasNonNull("subresource")) {
                resource += "/" + ref.path("subresource").asText();
            }
            JsonNode pod = e.path("user").path("extra").path("authentication.kubernetes.io/pod-name");
            byId.put(e.path("auditID").asText(), new Event(e.path("auditID").asText(),
                    Instant.parse(e.path("requestReceivedTimestamp").asText()), user,
                    pod.isArray() && !pod.isEmpty() ? pod.get(0).asText() : null,
                    e.path("verb").asText(), ref.path("apiGroup").asText(""), resource,
                    ref.path("namespace").asText(null), ref.path("name").asText(null),
                    e.path("responseStatus").path("code").asInt(), 
                    e.path("annotations").path("authorization.k8s.io/decision").asText(null)));
        }
        return new ArrayList<>(byId.values());
    }

    private List<JsonNode> read() {
        List<JsonNode> out = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(from);
            byte[] rest = new byte[(int) (f.length() - from)];
            f.readFully(rest);
            for (String line : new String(rest, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    try {
                        out.add(JSON.readTree(line));
                    } catch (IOException e) {
                        // a line being written right now
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
