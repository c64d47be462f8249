package io.dmremediation.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes fabric8's CRUD mock server readable by a real {@code kubectl} (tried with v1.35.2): it wraps the mixed
 * CRUD dispatcher and answers the few requests kubectl makes that the mock cannot answer the way kubectl expects
 * (shared/reference/kubectl-vs-mockserver.md). Everything else, in particular every request of the fabric8 client
 * the operator uses, reaches the delegate unchanged; the only changes a fabric8 client can see are a
 * {@code Content-Type: application/json} header on responses that carried none, and event lists selected on
 * {@code involvedObject} fields answered with the matching events where the CRUD store answers none.
 *
 * <ul>
 *   <li><b>{@code timeout=}</b> is stripped from every query: kubectl adds it (discovery always, everything with
 *       {@code --request-timeout}), and the mock matches expectations and resource paths on the full path.</li>
 *   <li><b>Aggregated discovery</b> for {@code GET /api} and {@code GET /apis} when the client asks for an
 *       {@code APIGroupDiscoveryList}: built from the CRDs in the CRUD store plus {@link #STATIC_RESOURCES}, with
 *       the aggregated Content-Type (kubectl decides between aggregated and legacy discovery on that header).
 *       A plain {@code GET /apis} (the fabric8 client's) still goes to the delegate.</li>
 *   <li><b>Tables</b> ({@code meta.k8s.io/v1}) for list and get of a stored CRD's resources when {@code Accept} asks
 *       for one: columns from the CRD's {@code additionalPrinterColumns}, {@code date} cells turned into ages as the
 *       API server does. Events get the API server's event columns. Other kinds are not converted: kubectl then
 *       prints NAME and AGE only.</li>
 *   <li><b>Events</b> queried with a field selector on anything but {@code metadata.name/namespace} (describe's
 *       {@code involvedObject.*}, {@code kubectl events --for}): filtered here on every term, answered as an
 *       {@code EventList} with {@code Content-Type: application/json} (without it client-go assumes protobuf).</li>
 *   <li><b>{@code "kind":"List"}</b> of the CRUD store is renamed to {@code <Kind>List} (and the group version set)
 *       for requests that accept protobuf, i.e. client-go's typed clients, which otherwise decode an empty list.</li>
 *   <li><b>Content-Type</b> {@code application/json} on every response with a body that has none.</li>
 *   <li><b>{@code /openapi/…}</b> is answered 404: there is no OpenAPI document, and the CRUD store would answer
 *       with a List of everything it holds, which kubectl reports as a protobuf parse error.</li>
 * </ul>
 *
 * <p>What works against the sandbox (kubectl v1.35.2; see KubectlSandboxTest): {@code get dmr} with the printer
 * columns, {@code get dmr -o wide|yaml|json|name|jsonpath=…|custom-columns=…}, {@code get dmr -A}, {@code get dmr
 * <name>}, {@code -l}, {@code --show-labels}, {@code --request-timeout}, {@code describe dmr <name>} with its Events
 * table, {@code get events} (the API server's event columns), {@code events [--for dmr/<name>]}, {@code get
 * pods|jobs|secrets|leases|crd} (NAME and AGE only), {@code api-resources}, {@code get --raw}, and writes that need
 * no OpenAPI document: {@code annotate}, {@code label}, {@code delete} (add {@code --wait=false} to skip the watch it
 * waits with), {@code create -f … --validate=false}, {@code apply -f … --validate=false} of custom resources.
 *
 * <p>What does not: {@code get -w}, {@code wait} (unless the condition already holds), {@code rollout status} —
 * kubectl watches with a streaming HTTP GET and the mock serves watches as WebSocket upgrades only;
 * {@code explain} and client-side validation of {@code create}/{@code apply} — no OpenAPI document;
 * {@code version} — the mock reports no server version; {@code logs}, {@code exec}, {@code port-forward} — no
 * kubelet; server-side apply — the mock has none. The columns shown are this Table conversion, not the API
 * server's: they prove that the CRD declares the columns and that the status fills them, not how a real cluster
 * renders them.
 */
public final class KubectlCompatDispatcher extends Dispatcher {

    static final String AGGREGATED_CONTENT_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    static final String JSON = "application/json";

    /** group/version → resources kubectl needs beyond the CRDs: plural, singular, kind, namespaced, short names. */
    static final Map<String, List<StaticResource>> STATIC_RESOURCES = Map.of(
            "v1", List.of(
                    new StaticResource("pods", "pod", "Pod", true, "po"),
                    new StaticResource("events", "event", "Event", true, "ev"),
                    new StaticResource("namespaces", "namespace", "Namespace", false, "ns"),
                    new StaticResource("configmaps", "configmap", "ConfigMap", true, "cm"),
                    new StaticResource("secrets", "secret", "Secret", true),
                    new StaticResource("services", "service", "Service", true, "svc"),
                    new StaticResource("serviceaccounts", "serviceaccount", "ServiceAccount", true, "sa"),
                    new StaticResource("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, "pvc")),
            "batch/v1", List.of(new StaticResource("jobs", "job", "Job", true)),
            "coordination.k8s.io/v1", List.of(new StaticResource("leases", "lease", "Lease", true)),
            "apiextensions.k8s.io/v1", List.of(new StaticResource("customresourcedefinitions",
                    "customresourcedefinition", "CustomResourceDefinition", false, "crd", "crds")));

    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
            "update", "watch");
    /** /api/v1/... or /apis/group/version/..., optionally namespaced, a plural, optionally a name; no subresource. */
    private static final Pattern RESOURCE_PATH = Pattern.compile(
            "^/(?:api|apis/(?<group>[^/]+))/(?<version>[^/]+)(?:/namespaces/(?<ns>[^/]+))?/(?<plural>[^/]+)(?:/(?<name>[^/]+))?$");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Dispatcher delegate;
    private final Clock clock;

    public KubectlCompatDispatcher(Dispatcher delegate) {
        this(delegate, Clock.systemUTC());
    }

    KubectlCompatDispatcher(Dispatcher delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    record StaticResource(String plural, String singular, String kind, boolean namespaced, String... shortNames) {
    }

    @Override
    public MockResponse dispatch(RecordedRequest original) {
        String path = withoutTimeout(original.getPath());
        RecordedRequest request = path.equals(original.getPath()) ? original
                : new RecordedRequest(original.getHttpVersion(), original.method(), path, original.getHeaders(),
                        original.getBody());
        MockResponse response = null;
        if (request.method() == HttpMethod.GET) {
            response = kubectlGet(request);
        }
        if (response == null) {
            response = delegate.dispatch(request);
            if (request.method() == HttpMethod.GET && accepts(request, "protobuf")) {
                response = typedList(request, response);
            }
        }
        return withContentType(response);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    // ------------------------------------------------------------------------------------------ routing

    /** The answer to a GET that kubectl needs answered differently, or null for the delegate. */
    private MockResponse kubectlGet(RecordedRequest request) {
        String path = pathOf(request.getPath());
        Map<String, String> query = query(request.getPath());
        if ((path.equals("/api") || path.equals("/apis")) && accepts(request, "as=APIGroupDiscoveryList")) {
            return json(200, discovery(path.equals("/api")), AGGREGATED_CONTENT_TYPE);
        }
        if (path.equals("/openapi") || path.startsWith("/openapi/")) {
            // the CRUD store would answer with a List of everything it holds; say plainly that there is none
            return json(404, status(404, "NotFound", "the sandbox serves no OpenAPI document"), JSON);
        }
        Matcher m = RESOURCE_PATH.matcher(path);
        if (!m.matches() || query.containsKey("watch")) {
            return null;
        }
        boolean events = m.group("group") == null && "events".equals(m.group("plural")) && m.group("name") == null;
        if (events && customFieldSelector(query.get("fieldSelector"))) {
            MockResponse filtered = filteredEvents(request, query);
            return accepts(request, "as=Table") ? eventTable(filtered) : filtered;
        }
        if (!accepts(request, "as=Table")) {
            return null;
        }
        if (events) {
            return eventTable(delegate.dispatch(request));
        }
        if (m.group("group") == null) {
            return null;
        }
        return crd(m.group("group"), m.group("plural"))
                .map(crd -> customResourceTable(request, crd, m.group("version"), m.group("name") != null))
                .orElse(null);
    }

    private static boolean accepts(RecordedRequest request, String token) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains(token);
    }

    // ------------------------------------------------------------------------------------------ discovery

    /** The stored CRDs, read from the delegate as any client would. */
    private List<JsonNode> crds() {
        JsonNode list = get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
        List<JsonNode> crds = new ArrayList<>();
        if (list != null && list.path("items").isArray()) {
            list.path("items").forEach(crds::add);
        }
        return crds;
    }

    private Optional<JsonNode> crd(String group, String plural) {
        return crds().stream()
                .filter(c -> group.equals(c.path("spec").path("group").asText())
                        && plural.equals(c.path("spec").path("names").path("plural").asText()))
                .findFirst();
    }

    /** An {@code apidiscovery.k8s.io/v2} {@code APIGroupDiscoveryList} for the core group or for every group. */
    ObjectNode discovery(boolean core) {
        // group → version → resources, in a stable order
        Map<String, Map<String, ArrayNode>> groups = new LinkedHashMap<>();
        STATIC_RESOURCES.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String[] gv = e.getKey().contains("/") ? e.getKey().split("/", 2) : new String[] {"", e.getKey()};
            ArrayNode resources = groups.computeIfAbsent(gv[0], g -> new LinkedHashMap<>())
                    .computeIfAbsent(gv[1], v -> NODES.arrayNode());
            for (StaticResource r : e.getValue()) {
                resources.add(resource(r.plural(), r.singular(), gv[0], gv[1], r.kind(), r.namespaced(),
                        List.of(r.shortNames()), List.of(), false));
            }
        });
        for (JsonNode crd : crds()) {
            JsonNode spec = crd.path("spec");
            JsonNode names = spec.path("names");
            String group = spec.path("group").asText();
            for (JsonNode version : spec.path("versions")) {
                if (!version.path("served").asBoolean(true)) {
                    continue;
                }
                List<String> shortNames = new ArrayList<>();
                names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
                List<String> categories = new ArrayList<>();
                names.path("categories").forEach(n -> categories.add(n.asText()));
                groups.computeIfAbsent(group, g -> new LinkedHashMap<>())
                        .computeIfAbsent(version.path("name").asText(), v -> NODES.arrayNode())
                        .add(resource(names.path("plural").asText(), names.path("singular").asText(), group,
                                version.path("name").asText(), names.path("kind").asText(),
                                "Namespaced".equals(spec.path("scope").asText()), shortNames, categories,
                                version.path("subresources").has("status")));
            }
        }
        ObjectNode list = NODES.objectNode().put("kind", "APIGroupDiscoveryList")
                .put("apiVersion", "apidiscovery.k8s.io/v2");
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        groups.forEach((group, versions) -> {
            if (core != group.isEmpty()) {
                return;
            }
            ObjectNode item = items.addObject();
            ObjectNode metadata = item.putObject("metadata");
            if (!group.isEmpty()) {
                metadata.put("name", group);
            }
            ArrayNode vs = item.putArray("versions");
            versions.forEach((version, resources) -> vs.addObject().put("version", version).put("freshness", "Current")
                    .set("resources", resources));
        });
        return list;
    }

    private static ObjectNode resource(String plural, String singular, String group, String version, String kind,
                                       boolean namespaced, List<String> shortNames, List<String> categories,
                                       boolean status) {
        ObjectNode r = NODES.objectNode().put("resource", plural);
        r.putObject("responseKind").put("group", group).put("version", version).put("kind", kind);
        r.put("scope", namespaced ? "Namespaced" : "Cluster").put("singularResource", singular);
        if (!shortNames.isEmpty()) {
            shortNames.forEach(r.putArray("shortNames")::add);
        }
        if (!categories.isEmpty()) {
            categories.forEach(r.putArray("categories")::add);
        }
        VERBS.forEach(r.putArray("verbs")::add);
        if (status) {
            ObjectNode sub = r.putArray("subresources").addObject().put("subresource", "status");
            sub.putObject("responseKind").put("group", group).put("version", version).put("kind", kind);
            List.of("get", "patch", "update").forEach(sub.putArray("verbs")::add);
        }
        return r;
    }

    // ------------------------------------------------------------------------------------------ tables

    /** A Table for a list or get of a custom resource, or the delegate's answer when it is not a 200. */
    private MockResponse customResourceTable(RecordedRequest request, JsonNode crd, String version, boolean single) {
        MockResponse crud = delegate.dispatch(request);
        JsonNode body = bodyOf(crud);
        if (crud.code() != 200 || body == null) {
            return crud;
        }
        List<Column> columns = new ArrayList<>();
        columns.add(new Column("Name", "string", "name", 0, null,
                "Name must be unique within a namespace. Cannot be updated."));
        JsonNode printer = NODES.arrayNode();
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (version.equals(v.path("name").asText())) {
                printer = v.path("additionalPrinterColumns");
            }
        }
        if (printer.isEmpty()) {
            columns.add(new Column("Age", "date", "", 0, ".metadata.creationTimestamp", ""));
        }
        for (JsonNode c : printer) {
            columns.add(new Column(c.path("name").asText(), c.path("type").asText("string"),
                    c.path("format").asText(""), c.path("priority").asInt(0), c.path("jsonPath").asText(),
                    c.path("description").asText("")));
        }
        List<JsonNode> items = items(body, single);
        List<List<JsonNode>> rows = new ArrayList<>();
        for (JsonNode item : items) {
            List<JsonNode> cells = new ArrayList<>();
            for (Column c : columns) {
                cells.add(c.jsonPath() == null ? NODES.textNode(item.path("metadata").path("name").asText())
                        : cell(c, at(item, c.jsonPath())));
            }
            rows.add(cells);
        }
        return json(200, table(columns, items, rows, body), JSON);
    }

    /** The API server's event columns (pkg/printers/internalversion), the same cells computed here. */
    private MockResponse eventTable(MockResponse crud) {
        JsonNode body = bodyOf(crud);
        if (crud.code() != 200 || body == null) {
            return crud;
        }
        List<Column> columns = List.of(
                new Column("Last Seen", "string", "", 0, null, ""),
                new Column("Type", "string", "", 0, null, ""),
                new Column("Reason", "string", "", 0, null, ""),
                new Column("Object", "string", "", 0, null, ""),
                new Column("Subobject", "string", "", 1, null, ""),
                new Column("Source", "string", "", 1, null, ""),
                new Column("Message", "string", "", 0, null, ""),
                new Column("First Seen", "string", "", 1, null, ""),
                new Column("Count", "integer", "", 1, null, ""),
                new Column("Name", "string", "name", 1, null, ""));
        List<JsonNode> items = items(body, false);
        List<List<JsonNode>> rows = new ArrayList<>();
        for (JsonNode e : items) {
            String last = firstText(e, "lastTimestamp", "eventTime", "firstTimestamp");
            String first = firstText(e, "firstTimestamp", "eventTime", "lastTimestamp");
            JsonNode io = e.path("involvedObject");
            String source = e.path("source").path("component").asText(e.path("reportingComponent").asText(""));
            rows.add(List.of(
                    NODES.textNode(last == null ? "<unknown>" : age(last)),
                    NODES.textNode(e.path("type").asText("")),
                    NODES.textNode(e.path("reason").asText("")),
                    NODES.textNode(io.path("kind").asText("").toLowerCase(Locale.ROOT) + "/" + io.path("name").asText("")),
                    NODES.textNode(io.path("fieldPath").asText("")),
                    NODES.textNode(source),
                    NODES.textNode(e.path("message").asText("").strip()),
                    NODES.textNode(first == null ? "<unknown>" : age(first)),
                    NODES.numberNode(e.path("count").asInt(1)),
                    NODES.textNode(e.path("metadata").path("name").asText(""))));
        }
        return json(200, table(columns, items, rows, body), JSON);
    }

    record Column(String name, String type, String format, int priority, String jsonPath, String description) {
    }

    private static ObjectNode table(List<Column> columns, List<JsonNode> items, List<List<JsonNode>> rows, JsonNode body) {
        ObjectNode table = NODES.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        ObjectNode metadata = table.putObject("metadata");
        String rv = body.path("metadata").path("resourceVersion").asText("");
        if (!rv.isEmpty()) {
            metadata.put("resourceVersion", rv);
        }
        ArrayNode defs = table.putArray("columnDefinitions");
        for (Column c : columns) {
            defs.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
                    .put("description", c.description()).put("priority", c.priority());
        }
        ArrayNode out = table.putArray("rows");
        for (int i = 0; i < items.size(); i++) {
            ObjectNode row = out.addObject();
            rows.get(i).forEach(row.putArray("cells")::add);
            // the row's object gives kubectl the NAMESPACE column of -A and --show-labels
            ObjectNode object = row.putObject("object").put("kind", "PartialObjectMetadata")
                    .put("apiVersion", "meta.k8s.io/v1");
            object.set("metadata", items.get(i).path("metadata").deepCopy());
        }
        return table;
    }

    private static List<JsonNode> items(JsonNode body, boolean single) {
        List<JsonNode> items = new ArrayList<>();
        if (single) {
            items.add(body);
        } else {
            body.path("items").forEach(items::add);
        }
        return items;
    }

    /** A cell as the API server's CRD table convertor makes it: dates become ages, numbers stay numbers. */
    private JsonNode cell(Column c, JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return NODES.nullNode();
        }
        return switch (c.type()) {
            case "date" -> value.isTextual() ? NODES.textNode(age(value.asText())) : NODES.nullNode();
            case "integer" -> value.canConvertToLong() ? NODES.numberNode(value.asLong()) : NODES.nullNode();
            case "number" -> value.isNumber() ? value : NODES.nullNode();
            case "boolean" -> value.isBoolean() ? value : NODES.nullNode();
            default -> value.isValueNode() ? NODES.textNode(value.asText()) : NODES.textNode(value.toString());
        };
    }

    /** A simple JSONPath of the form {@code .a.b[0].c}: what printer columns use. Missing node when absent. */
    /** One step of a printer column's JSONPath: {@code .name}, {@code [3]}, or {@code [?(@.type=="Ready")]}. */
    private static final Pattern STEP = Pattern.compile(
            "\\.([A-Za-z0-9_-]+)|\\[(\\d+)]|\\[\\?\\(@\\.([A-Za-z0-9_-]+)==\"([^\"]*)\"\\)]");

    /**
     * The value at a printer column's JSONPath: field names, indexes, and the filter the READY column uses (the first
     * array element whose field equals the string). Anything else reads as missing.
     */
    public static JsonNode at(JsonNode root, String jsonPath) {
        JsonNode n = root;
        String path = jsonPath.startsWith(".") || jsonPath.startsWith("[") ? jsonPath : "." + jsonPath;
        Matcher m = STEP.matcher(path);
        int at = 0;
        while (at < path.length()) {
            if (!m.find(at) || m.start() != at) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            if (m.group(1) != null) {
                n = n.path(m.group(1));
            } else if (m.group(2) != null) {
                n = n.path(Integer.parseInt(m.group(2)));
            } else {
                JsonNode match = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
                for (JsonNode e : n) {
                    if (e.path(m.group(3)).isValueNode() && m.group(4).equals(e.path(m.group(3)).asText())) {
                        match = e;
                        break;
                    }
                }
                n = match;
            }
            at = m.end();
        }
        return n;
    }

    private String age(String timestamp) {
        try {
            return humanDuration(Duration.between(Instant.parse(timestamp), clock.instant()));
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
    }

    /** k8s.io/apimachinery/pkg/util/duration.HumanDuration, so ages read as kubectl prints them. */
    public static String humanDuration(Duration d) {
        long seconds = d.getSeconds();
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = d.toMinutes();
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        } else if (minutes < 180) {
            return minutes + "m";
        }
        long hours = d.toHours();
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        } else if (hours < 24 * 365 * 8) {
            long days = (hours / 24) % 365;
            return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
        }
        return hours / 24 / 365 + "y";
    }

    // ------------------------------------------------------------------------------------------ events

    /** True when the selector names a field the CRUD store does not index (it answers those with nothing). */
    private static boolean customFieldSelector(String selector) {
        if (selector == null || selector.isBlank()) {
            return false;
        }
        for (String term : selector.split(",")) {
            String field = term.split("!=|==|=", 2)[0].strip();
            if (!field.equals("metadata.name") && !field.equals("metadata.namespace")) {
                return true;
            }
        }
        return false;
    }

    /** The events of the path's scope that match every term of the field selector, as an EventList. */
    private MockResponse filteredEvents(RecordedRequest request, Map<String, String> query) {
        StringBuilder rest = new StringBuilder();
        query.forEach((k, v) -> {
            // the field selector is ours; paging would cut the list before it is filtered
            if (!k.equals("fieldSelector") && !k.equals("limit") && !k.equals("continue")) {
                rest.append(rest.length() == 0 ? "?" : "&").append(k).append('=')
                        .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        MockResponse crud = delegate.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.GET,
                pathOf(request.getPath()) + rest, request.getHeaders(), new Buffer()));
        JsonNode body = bodyOf(crud);
        if (crud.code() != 200 || body == null) {
            return crud;
        }
        ObjectNode list = NODES.objectNode().put("kind", "EventList").put("apiVersion", "v1");
        list.set("metadata", body.path("metadata").deepCopy());
        ArrayNode items = list.putArray("items");
        String[] terms = query.get("fieldSelector").split(",");
        for (JsonNode event : body.path("items")) {
            boolean all = true;
            for (String term : terms) {
                all &= matches(event, term.strip());
            }
            if (all) {
                items.add(event);
            }
        }
        return json(200, list, JSON);
    }

    private static boolean matches(JsonNode object, String term) {
        boolean negate = term.contains("!=");
        String[] kv = term.split("!=|==|=", 2);
        if (kv.length != 2) {
            return true;
        }
        JsonNode value = at(object, kv[0].strip());
        String actual = value.isMissingNode() || value.isNull() ? "" : value.asText();
        return negate != actual.equals(kv[1].strip());
    }

    // ------------------------------------------------------------------------------------------ typed lists

    /** {@code "kind":"List"} → {@code <Kind>List} in the path's group version, for client-go's typed decoders. */
    private MockResponse typedList(RecordedRequest request, MockResponse response) {
        Matcher m = RESOURCE_PATH.matcher(pathOf(request.getPath()));
        JsonNode body = bodyOf(response);
        if (!m.matches() || m.group("name") != null || response.code() != 200 || !(body instanceof ObjectNode list)
                || !"List".equals(body.path("kind").asText())) {
            return response;
        }
        String group = m.group("group");
        String groupVersion = group == null ? m.group("version") : group + "/" + m.group("version");
        Optional<String> kind = Optional.ofNullable(body.path("items").path(0).path("kind").textValue())
                .or(() -> kindOf(group == null ? m.group("version") : groupVersion, group, m.group("plural")));
        if (kind.isEmpty()) {
            return response;
        }
        list.put("kind", kind.get() + "List").put("apiVersion", groupVersion);
        return copyHeaders(response, json(response.code(), list, JSON));
    }

    private Optional<String> kindOf(String groupVersion, String group, String plural) {
        Optional<String> known = STATIC_RESOURCES.getOrDefault(groupVersion, List.of()).stream()
                .filter(r -> r.plural().equals(plural)).map(StaticResource::kind).findFirst();
        if (known.isPresent() || group == null) {
            return known;
        }
        return crd(group, plural).map(c -> c.path("spec").path("names").path("kind").asText());
    }

    // ------------------------------------------------------------------------------------------ plumbing

    private static ObjectNode status(int code, String reason, String message) {
        ObjectNode s = NODES.objectNode().put("kind", "Status").put("apiVersion", "v1");
        s.putObject("metadata");
        return s.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
    }

    private JsonNode get(String path) {
        MockResponse r = delegate.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.GET, path,
                Headers.builder().add("Accept", JSON).build(), new Buffer()));
        return r.code() == 200 ? bodyOf(r) : null;
    }

    private static JsonNode bodyOf(MockResponse response) {
        if (response.getBody() == null || response.getBody().size() == 0) {
            return null;
        }
        try {
            // getBytes leaves the body in place for whoever sends it
            return MAPPER.readTree(response.getBody().getBytes());
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static MockResponse json(int code, JsonNode body, String contentType) {
        try {
            return new MockResponse().setResponseCode(code).setHeader("Content-Type", contentType)
                    .setBody(MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MockResponse copyHeaders(MockResponse from, MockResponse to) {
        from.getHeaders().toMultimap().forEach((k, values) -> {
            if (!k.equalsIgnoreCase("Content-Type") && !k.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> to.addHeader(k, v));
            }
        });
        return to;
    }

    private static MockResponse withContentType(MockResponse response) {
        if (response.getWebSocketListener() == null && response.getBody() != null && response.getBody().size() > 0
                && response.header("Content-Type") == null) {
            response.setHeader("Content-Type", JSON);
        }
        return response;
    }

    /** The path without {@code timeout=…}; {@code timeoutSeconds} (watches) is a different parameter and stays. */
    static String withoutTimeout(String path) {
        int q = path.indexOf('?');
        if (q < 0) {
            return path;
        }
        List<String> kept = new ArrayList<>();
        for (String p : path.substring(q + 1).split("&")) {
            if (!p.isEmpty() && !p.equals("timeout") && !p.startsWith("timeout=")) {
                kept.add(p);
            }
        }
        return path.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }

    private static String pathOf(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    private static Map<String, String> query(String path) {
        Map<String, String> query = new LinkedHashMap<>();
        int q = path.indexOf('?');
        if (q < 0) {
            return query;
        }
        for (String p : path.substring(q + 1).split("&")) {
            if (p.isEmpty()) {
                continue;
            }
            String[] kv = p.split("=", 2);
            query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return query;
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String f : fields) {
            String v = node.path(f).textValue();
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
