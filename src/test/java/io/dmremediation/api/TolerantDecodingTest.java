package io.dmremediation.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A resource this build only partly understands — written against a newer CRD (an upgrade in progress, a
 * {@code helm rollback}) — decodes, keeps what it did not understand through a copy, and is invalid with each such
 * field named; a schema-valid duration too long to add to a clock is invalid, not an exception.
 */
class TolerantDecodingTest {

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static DMRemediation decode(String spec, String status) {
        return SERIALIZATION.unmarshal("{\"apiVersion\":\"dmremediation.io/v1alpha1\",\"kind\":\"DMRemediation\","
                + "\"metadata\":{\"name\":\"x\",\"namespace\":\"dm\"},\"spec\":" + spec
                + (status == null ? "" : ",\"status\":" + status) + "}", DMRemediation.class);
    }

    @Test
    void fieldsAndEnumValuesOfANewerCrdAreNamedNotFatal() {
        DMRemediation r = decode("{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\",\"tls\":true}},\"tasks\":[\"a\"],"
                + "\"surge\":{\"share\":50},\"policies\":{\"invalidConnection\":{\"action\":\"RestartWorker\"},"
                + "\"relayBinlogOverflow\":{\"action\":\"FixRelayMeta\"}}}", null);

        List<String> problems = SpecValidator.validate(r.getSpec());

        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("spec.surge: not a field this operator knows"))
                .anySatisfy(p -> assertThat(p).startsWith("spec.cluster.dmClusterRef.tls: not a field"))
                .anySatisfy(p -> assertThat(p).startsWith("spec.policies.invalidConnection.action: 'RestartWorker' "
                        + "is not a value this operator knows (RestartTask, None)"))
                .hasSize(3);
        assertThat(r.getSpec().policies.relayBinlogOverflow.action).isEqualTo(RelayOverflowPolicy.Action.FixRelayMeta);
        assertThat(r.getSpec().policies.invalidConnection.action).as("never a default in place of the unknown").isNull();
    }

    @Test
    void aCopyStillCarriesWhatWasNotUnderstood() {
        // JOSDK hands a reconcile a clone of the cached resource: the problems must survive it
        DMRemediation r = decode("{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"}},\"surge\":{\"share\":50},"
                + "\"policies\":{\"badConnection\":{\"action\":\"Later\"}}}", null);

        DMRemediation copy = SERIALIZATION.clone(r);

        assertThat(SpecValidator.validate(copy.getSpec())).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("spec.surge:"))
                .anySatisfy(p -> assertThat(p).startsWith("spec.policies.badConnection.action: 'Later'"));
    }

    @Test
    void aValidSpecHasNothingUnknown() {
        DMRemediation r = decode("{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"}},\"policies\":"
                + "{\"badConnection\":{\"action\":\"None\"}}}", null);

        assertThat(SpecValidator.validate(r.getSpec())).isEmpty();
        assertThat(SERIALIZATION.asJson(r)).doesNotContain("anyFields", "unknown");
    }

    @Test
    void aSchemaValidDurationThatOverflowsIsInvalidNotAnException() {
        DMRemediation r = decode("{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"}},\"pollInterval\":"
                + "\"99999999999999999999h\",\"verifyTimeout\":\"2562047788015215h\",\"healthyResetAfter\":"
                + "\"87600h1s\"}", null);

        List<String> problems = SpecValidator.validate(r.getSpec());

        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("spec.pollInterval:"))
                .anySatisfy(p -> assertThat(p).startsWith("spec.verifyTimeout:"))
                .anySatisfy(p -> assertThat(p).startsWith("spec.healthyResetAfter:"));
    }

    @Test
    void statusANewerOperatorWroteDecodes() {
        DMRemediation r = decode("{\"cluster\":{\"dmClusterRef\":{\"name\":\"basic\"}}}", "{\"phase\":\"Healthy\","
                + "\"stormIncident\":{\"id\":\"x\"},\"tasks\":[{\"name\":\"a\",\"batch\":3}],\"active\":{\"id\":\"r1\","
                + "\"step\":\"StopTask\",\"tasks\":[{\"name\":\"a\",\"stop\":\"Retracted\"}],\"checkpointFix\":"
                + "{\"rewrite\":\"PartlyApplied\"}}}");

        assertThat(r.getStatus().phase).isEqualTo("Healthy");
        assertThat(r.getStatus().active.tasks.get(0).stop).as("an unknown state is no state, never a guess").isNull();
        assertThat(r.getStatus().active.checkpointFix.rewrite).isNull();
    }
}
