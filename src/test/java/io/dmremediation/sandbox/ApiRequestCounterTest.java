package io.dmremediation.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' "API reads and writes per cycle" are these counts: a request must land under its verb and
 * resource, with no name or namespace in the key, or the per-cycle numbers split and undercount.
 */
class ApiRequestCounterTest {

    @Test
    void keysNameTheVerbTheResourceAndTheSubresourceOnly() {
        assertThat(ApiRequestCounter.key("PUT",
                "/apis/dmremediation.io/v1alpha1/namespaces/dm/dmremediations/orders/status"))
                .isEqualTo("PUT dmremediations/{name}/status");
        assertThat(ApiRequestCounter.key("GET", "/apis/dmremediation.io/v1alpha1/namespaces/dm/dmremediations"))
                .isEqualTo("GET dmremediations");
        assertThat(ApiRequestCounter.key("GET", "/api/v1/namespaces/dm/secrets/dm-downstream?resourceVersion=0"))
                .isEqualTo("GET secrets/{name}");
        assertThat(ApiRequestCounter.key("get", "/api/v1/namespaces/dm/pods?watch=true&labelSelector=a%3Db"))
                .as("a watch is not a read").isEqualTo("WATCH pods");
        assertThat(ApiRequestCounter.key("POST", "/api/v1/namespaces/dm/events")).isEqualTo("POST events");
        assertThat(ApiRequestCounter.key("GET", "/apis/batch/v1/jobs")).as("cluster-wide").isEqualTo("GET jobs");
        assertThat(ApiRequestCounter.key("GET", "/version")).isEqualTo("GET /version");
    }

    @Test
    void countsWhatTheApiServerAnsweredAndStartsAgainAfterReset() {
        try (KubeWorld kube = KubeWorld.start(0, false)) {
            KubernetesClient client = kube.client();
            kube.requests().reset();

            client.configMaps().inNamespace("dm").resource(new ConfigMapBuilder().withNewMetadata().withName("a")
                    .endMetadata().addToData("k", "v").build()).create();
            client.configMaps().inNamespace("dm").withName("a").get();
            client.configMaps().inNamespace("dm").withName("a").get();
            client.configMaps().inNamespace("dm").list();

            assertThat(kube.requests().snapshot()).containsEntry("POST configmaps", 1L)
                    .containsEntry("GET configmaps/{name}", 2L).containsEntry("GET configmaps", 1L);

            kube.requests().reset();
            client.configMaps().inNamespace("dm").withName("a").delete();
            assertThat(kube.requests().snapshot()).containsOnlyKeys("DELETE configmaps/{name}");
        }
    }
}
