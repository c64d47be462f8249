package io.dmremediation.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.api.ClusterRef;
import io.dmremediation.api.DMClusterRef;
import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.DMRemediationSpec;
import io.dmremediation.api.Downstream;
import io.dmremediation.api.SecretRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A peer's view is worked out once per version of it, and again when it changes. */
class PeerViewsTest {

    static DMRemediation peer(String uid, String version, String cluster, Integer maxConcurrent) {
        DMRemediation r = new DMRemediation();
        r.getMetadata().setName("p-" + uid);
        r.getMetadata().setNamespace("dm");
        r.getMetadata().setUid(uid);
        r.getMetadata().setResourceVersion(version);
        DMRemediationSpec spec = new DMRemediationSpec();
        spec.cluster = new ClusterRef();
        spec.cluster.dmClusterRef = new DMClusterRef();
        spec.cluster.dmClusterRef.name = cluster;
        spec.tasks = List.of("orders");
        spec.downstream = new Downstream();
        spec.downstream.secretRef = new SecretRef();
        spec.downstream.secretRef.name = "tidb-credentials";
        spec.maxConcurrentRemediations = maxConcurrent;
        r.setSpec(spec);
        return r;
    }

    @Test
    void oneVersionIsWorkedOutOnceAndANewVersionAgain() {
        PeerViews views = new PeerViews();
        PeerViews.View first = views.of(peer("u1", "7", "basic", 3));
        assertThat(first.maxConcurrentRemediations()).isEqualTo(3);
        assertThat(first.clusterKey()).isEqualTo(ClusterTarget.of(peer("u1", "7", "basic", 3)).key());

        // the same version is the same spec on the API server: the view worked out before is used, not redone
        assertThat(views.of(peer("u1", "7", "other", 9))).isSameAs(first);

        PeerViews.View changed = views.of(peer("u1", "8", "other", 9));
        assertThat(changed.maxConcurrentRemediations()).isEqualTo(9);
        assertThat(changed.clusterKey()).isNotEqualTo(first.clusterKey());
    }

    @Test
    void anInvalidPeerIsOnNoCluster() {
        DMRemediation bad = peer("u2", "1", "basic", 3);
        bad.getSpec().pollInterval = "soon";
        assertThat(new PeerViews().of(bad).clusterKey()).isNull();
    }

    @Test
    void anObjectWithoutAVersionIsWorkedOutEachTime() {
        PeerViews views = new PeerViews();
        DMRemediation local = peer("u3", null, "basic", 2);
        assertThat(views.of(local).maxConcurrentRemediations()).isEqualTo(2);
        local.getSpec().maxConcurrentRemediations = 5;
        assertThat(views.of(local).maxConcurrentRemediations()).isEqualTo(5);
    }
}
