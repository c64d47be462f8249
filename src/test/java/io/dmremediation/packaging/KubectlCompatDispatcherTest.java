package io.dmremediation.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dmremediation.api.ClusterRef;
import io.dmremediation.api.DMClusterRef;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationSpec;
import io.dmremediation.api.DMRemediationStatus;
import io.dmremediation.sandbox.KubeWorld;
import io.dmremediation.sandbox.KubectlCompatDispatcher;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The wrapper dispatcher on its own: the fabric8 client (the operator's) works through it as through the plain
 * mock, and the answers kubectl needs are what kubectl expects, checked at the HTTP level.
 */
class KubectlCompatDispatcherTest {

    static final String NS = "dm";
    static final ObjectMapper JSON = new ObjectMapper();
    static KubeWorld world;
    static KubernetesClient client;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        world = KubeWorld.start(0, true);
        world.createNamespace(NS);
        client = world.client();
        DMRemediation r = new DMRemediation();
        r.getMetadata().setName("orders");
        r.getMetadata().setNamespace(NS);
        r.setSpec(new DMRemediationSpec());
        r.getSpec().cluster = new ClusterRef();
        r.getSpec().cluster.dmClusterRef = new DMClusterRef();
        r.getSpec().cluster.dmClusterRef.name = "basic";
        DMRemediation created = client.resource(r).create();
        DMRemediationStatus status = new DMRemediationStatus();
        status.phase = "Healthy";
        status.cluster = "basic";
        status.taskCount = 3;
        status.healthyTasks = 2;
        created.setStatus(status);
        client.resource(created).updateStatus();
        for (String name : List.of("orders", "other")) {
            client.resource(new EventBuilder().withNewMetadata().withName(name + ".1").withNamespace(NS).endMetadata()
                    .withNewInvolvedObject().withKind("DMRemediation").withName(name).withNamespace(NS)
                    .withApiVersion("dmremediation.io/v1alpha1").endInvolvedObject()
                    .withReason("Test").withType("Normal").withMessage("about " + name).build()).create();
        }
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    static HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(world.url() + path));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------------------------------------ fabric8 unchanged

    @Test
    void theFabric8ClientWorksAsOnThePlainMock() throws Exception {
        DMRemediation r = client.resources(DMRemediation.class).inNamespace(NS).withName("orders").get();
        assertThat(r.getStatus().phase).isEqualTo("Healthy");
        assertThat(client.resources(DMRemediation.class).inNamespace(NS).list().getItems()).hasSize(1);
        assertThat(client.v1().events().inNamespace(NS).list().getItems()).hasSize(2);
        assertThat(client.v1().events().inNamespace(NS).withField("involvedObject.name", "orders").list().getItems())
                .extracting(e -> e.getMetadata().getName()).containsExactly("orders.1");

        List<String> seen = new CopyOnWriteArrayList<>();
        try (Watch w = client.pods().inNamespace(NS).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, io.fabric8.kubernetes.api.model.Pod pod) {
                seen.add(action + " " + pod.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            client.resource(new PodBuilder().withNewMetadata().withName("p1").withNamespace(NS).endMetadata()
                    .withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec().build()).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("ADDED p1"));
        }
        client.pods().inNamespace(NS).withName("p1").delete();
    }

    /** The discovery the fabric8 client does is answered as by the plain mock (the wrapper only serves kubectl's). */
    @Test
    void fabric8DiscoveryIsThePlainMocks() {
        try (KubeWorld plain = KubeWorld.start(0, false)) {
            // (the stock mock answers /apis with whatever it stores, so no groups; it is the same through the wrapper)
            assertThat(client.getApiGroups().getGroups()).isEqualTo(plain.client().getApiGroups().getGroups());
            assertThat(client.getApiResources("dmremediation.io/v1alpha1").getResources())
                    .isEqualTo(plain.client().getApiResources("dmremediation.io/v1alpha1").getResources())
                    .extracting(r -> r.getName()).contains("dmremediations");
        }
    }

    @Test
    void everyBodyHasAContentType() throws Exception {
        HttpResponse<String> r = get("/apis/dmremediation.io/v1alpha1/namespaces/dm/dmremediations", "application/json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(JSON.readTree(r.body()).path("kind").asText()).as("untyped clients read the CRUD List").isEqualTo("List");
    }

    // ------------------------------------------------------------------------------------------ kubectl's answers

    @Test
    void aggregatedDiscoveryHasTheCrdAndTheCoreResources() throws Exception {
        String accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
        HttpResponse<String> apis = get("/apis?timeout=32s", accept);
        assertThat(apis.headers().firstValue("Content-Type"))
                .contains("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        JsonNode list = JSON.readTree(apis.body());
        assertThat(list.path("kind").asText()).isEqualTo("APIGroupDiscoveryList");
        JsonNode dmr = null;
        for (JsonNode group : list.path("items")) {
            if (group.path("metadata").path("name").asText().equals("dmremediation.io")) {
                dmr = group.path("versions").get(0);
            }
        }
        assertThat(dmr).as("the stored CRD's group").isNotNull();
        assertThat(dmr.path("version").asText()).isEqualTo("v1alpha1");
        JsonNode resource = dmr.path("resources").get(0);
        assertThat(resource.path("resource").asText()).isEqualTo("dmremediations");
        assertThat(resource.path("shortNames").toString()).isEqualTo("[\"dmr\"]");
        assertThat(resource.path("scope").asText()).isEqualTo("Namespaced");
        assertThat(resource.path("responseKind").path("kind").asText()).isEqualTo("DMRemediation");
        assertThat(resource.path("subresources").get(0).path("subresource").asText()).isEqualTo("status");
        assertThat(list.toString()).contains("\"batch\"", "\"coordination.k8s.io\"", "\"apiextensions.k8s.io\"");

        JsonNode core = JSON.readTree(get("/api?timeout=32s", accept).body());
        assertThat(core.path("items")).hasSize(1);
        assertThat(core.path("items").get(0).path("metadata").has("name")).as("the core group has no name").isFalse();
        assertThat(core.toString()).contains("\"pods\"", "\"events\"", "\"secrets\"");

        // a plain /apis (the fabric8 client's question) still goes to the CRUD mock
        assertThat(get("/apis", "application/json").headers().firstValue("Content-Type")).contains("application/json");
    }

    @Test
    void tablesCarryThePrinterColumns() throws Exception {
        String accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
        JsonNode table = JSON.readTree(get("/apis/dmremediation.io/v1alpha1/namespaces/dm/dmremediations?limit=500",
                accept).body());
        assertThat(table.path("kind").asText()).isEqualTo("Table");
        List<String> columns = new java.util.ArrayList<>();
        table.path("columnDefinitions").forEach(c -> columns.add(c.path("name").asText()));
        assertThat(columns).containsExactly("Name", "Ready", "Cluster", "Tasks", "Healthy", "Phase", "Last-Action", "Age",
                "Poll-Interval", "Last-Poll", "Escalated");
        JsonNode cells = table.path("rows").get(0).path("cells");
        assertThat(cells.get(0).asText()).isEqualTo("orders");
        assertThat(cells.get(2).asText()).isEqualTo("basic");
        assertThat(cells.get(3).asInt()).isEqualTo(3);
        assertThat(cells.get(4).asInt()).isEqualTo(2);
        assertThat(cells.get(5).asText()).isEqualTo("Healthy");
        assertThat(cells.get(6).isNull()).as("no last action yet").isTrue();
        assertThat(cells.get(7).asText()).as("an age, not a timestamp").matches("[0-9]+s");
        assertThat(table.path("rows").get(0).path("object").path("metadata").path("namespace").asText()).isEqualTo(NS);

        JsonNode single = JSON.readTree(get("/apis/dmremediation.io/v1alpha1/namespaces/dm/dmremediations/orders",
                accept).body());
        assertThat(single.path("rows")).hasSize(1);
        HttpResponse<String> missing = get("/apis/dmremediation.io/v1alpha1/namespaces/dm/dmremediations/nope", accept);
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void eventsByInvolvedObjectAreFilteredAndTyped() throws Exception {
        String path = "/api/v1/namespaces/dm/events?fieldSelector="
                + java.net.URLEncoder.encode("involvedObject.name=orders,involvedObject.kind=DMRemediation",
                java.nio.charset.StandardCharsets.UTF_8) + "&limit=500";
        HttpResponse<String> r = get(path, "application/vnd.kubernetes.protobuf,application/json");
        assertThat(r.headers().firstValue("Content-Type")).as("else client-go assumes protobuf").contains("application/json");
        JsonNode list = JSON.readTree(r.body());
        assertThat(list.path("kind").asText()).isEqualTo("EventList");
        assertThat(list.path("items")).hasSize(1);
        assertThat(list.path("items").get(0).path("metadata").path("name").asText()).isEqualTo("orders.1");
        // typed clients get a typed list for the CRUD answers too
        JsonNode pods = JSON.readTree(get("/api/v1/namespaces/dm/pods", "application/vnd.kubernetes.protobuf,application/json")
                .body());
        assertThat(pods.path("kind").asText()).isEqualTo("PodList");
        assertThat(pods.path("apiVersion").asText()).isEqualTo("v1");
    }

    @Test
    void timeoutIsStrippedFromTheQuery() throws Exception {
        HttpResponse<String> r = get("/apis/dmremediation.io/v1alpha1/namespaces/dm/dmremediations/orders?timeout=5s",
                "application/json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("metadata").path("name").asText()).isEqualTo("orders");
    }

    @Test
    void agesReadAsKubectlPrintsThem() {
        java.util.function.Function<Duration, String> human = KubectlCompatDispatcher::humanDuration;
        assertThat(human.apply(Duration.ofSeconds(41))).isEqualTo("41s");
        assertThat(human.apply(Duration.ofSeconds(119))).isEqualTo("119s");
        assertThat(human.apply(Duration.ofSeconds(150))).isEqualTo("2m30s");
        assertThat(human.apply(Duration.ofMinutes(45))).isEqualTo("45m");
        assertThat(human.apply(Duration.ofMinutes(200))).isEqualTo("3h20m");
        assertThat(human.apply(Duration.ofHours(30))).isEqualTo("30h");
        assertThat(human.apply(Duration.ofHours(75))).isEqualTo("3d3h");
        assertThat(human.apply(Duration.ofDays(40))).isEqualTo("40d");
        assertThat(human.apply(Duration.ofDays(800))).isEqualTo("2y70d");
        assertThat(human.apply(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
    }

    @org.junit.jupiter.api.Test
    void printerColumnPathsReadFieldsIndexesAndTheReadyFilter() throws Exception {
        com.fasterxml.jackson.databind.JsonNode r = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"status\":{\"phase\":\"Healthy\",\"conditions\":[{\"type\":\"Degraded\",\"status\":\"False\"},"
                        + "{\"type\":\"Ready\",\"status\":\"True\"}]}}");
        assertThat(io.dmremediation.sandbox.KubectlCompatDispatcher.at(r, ".status.phase").asText()).isEqualTo("Healthy");
        assertThat(io.dmremediation.sandbox.KubectlCompatDispatcher.at(r, ".status.conditions[0].type").asText())
                .isEqualTo("Degraded");
        assertThat(io.dmremediation.sandbox.KubectlCompatDispatcher.at(r,
                ".status.conditions[?(@.type==\"Ready\")].status").asText()).isEqualTo("True");
        assertThat(io.dmremediation.sandbox.KubectlCompatDispatcher.at(r,
                ".status.conditions[?(@.type==\"Paused\")].status").isMissingNode()).isTrue();
        assertThat(io.dmremediation.sandbox.KubectlCompatDispatcher.at(r, ".status[*]").isMissingNode()).isTrue();
    }
}
