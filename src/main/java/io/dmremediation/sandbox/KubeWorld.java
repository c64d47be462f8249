package io.dmremediation.sandbox;

import io.dmremediation.api.DMRemediation;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * A Kubernetes API in this process: fabric8's mock server in CRUD mode with the DMRemediation CRD installed.
 * With {@code kubectl = true} it also answers what a real kubectl asks (discovery, Table, filtered events).
 */
public final class KubeWorld implements AutoCloseable {

    public static final String CRD_RESOURCE = "/META-INF/fabric8/dmremediations.dmremediation.io-v1.yml";

    /** Held so the level set on it is not lost when the logger is collected. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final ApiRequestCounter requests;

    private KubeWorld(KubernetesMockServer server, KubernetesClient client, ApiRequestCounter requests) {
        this.server = server;
        this.client = client;
        this.requests = requests;
    }

    /** Starts on a free port (or {@code port}), plain HTTP on 127.0.0.1. */
    public static KubeWorld start(int port, boolean kubectl) {
        // the mock server logs every request through java.util.logging
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMixedDispatcher mixed = new KubernetesMixedDispatcher(responses);
        Dispatcher locked = new OptimisticLocking(mixed);
        Dispatcher inner = kubectl ? new KubectlCompatDispatcher(locked) : locked;
        MockWebServer web = new MockWebServer();
        ApiRequestCounter counter = new ApiRequestCounter(inner, web);
        KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
                web, responses, counter, false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), port);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kubernetes mock server", e);
        }
        // JOSDK's leader election asks whether it may use Leases; the mock has no RBAC, so everything is allowed
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\","
                        + "\"metadata\":{},\"spec\":{},\"status\":{\"resourceRules\":[{\"verbs\":[\"*\"],"
                        + "\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}],\"nonResourceRules\":[],\"incomplete\":false}}")
                .always();
        KubernetesClient client = server.createClient();
        KubeWorld world = new KubeWorld(server, client, counter);
        world.installCrd();
        return world;
    }

    public KubernetesClient client() {
        return client;
    }

    /** Requests the API server answered, by verb and resource (for the benchmarks). */
    public ApiRequestCounter requests() {
        return requests;
    }

    /** The API server's URL, for a kubeconfig. */
    public String url() {
        return server.url("/").replaceAll("/$", "");
    }

    public void installCrd() {
        try (InputStream in = DMRemediation.class.getResourceAsStream(CRD_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the generated CRD " + CRD_RESOURCE + " is not on the class path");
            }
            CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
            client.resource(crd).createOr(r -> r.update());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void createNamespace(String name) {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .createOr(r -> r.update());
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
