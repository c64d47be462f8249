package io.dmremediation.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

    static DMRemediationSpec valid() {
        DMRemediationSpec s = new DMRemediationSpec();
        s.cluster = new ClusterRef();
        s.cluster.dmClusterRef = new DMClusterRef();
        s.cluster.dmClusterRef.name = "basic";
        s.tasks = List.of("orders");
        return s;
    }

    static List<String> problems(Consumer<DMRemediationSpec> change) {
        DMRemediationSpec s = valid();
        change.accept(s);
        return SpecValidator.validate(s);
    }

    @Test
    void aMinimalSpecIsValid() {
        assertThat(SpecValidator.validate(valid())).isEmpty();
    }

    @Test
    void clusterNeedsExactlyOneWay() {
        assertThat(problems(s -> s.cluster = null)).singleElement().asString().startsWith("spec.cluster:");
        assertThat(problems(s -> s.cluster.masterAddress = "http://m:8261"))
                .anySatisfy(p -> assertThat(p).contains("exactly one of dmClusterRef and masterAddress"));
        assertThat(problems(s -> {
            s.cluster.dmClusterRef = null;
        })).anySatisfy(p -> assertThat(p).contains("exactly one"));
    }

    @Test
    void masterAddressMustBeAPlainHttpUrl() {
        for (String bad : new String[] {"m:8261", "ftp://m:8261", "http://m:8261/api", "http://u:p@m:8261", "http://"}) {
            List<String> p = problems(s -> {
                s.cluster.dmClusterRef = null;
                s.cluster.masterAddress = bad;
            });
            assertThat(p).as(bad).anySatisfy(m -> assertThat(m).startsWith("spec.cluster.masterAddress:"));
        }
        assertThat(problems(s -> {
            s.cluster.dmClusterRef = null;
            s.cluster.masterAddress = "https://dm-master.dm.svc:8261";
            s.cluster.workerSelector = new LabelSelectorBuilder().addToMatchLabels("app", "dm-worker").build();
        })).isEmpty();
    }

    @Test
    void emptyOrMalformedSelectorsAreRejected() {
        List<String> p = problems(s -> {
            s.cluster.dmClusterRef = null;
            s.cluster.masterAddress = "http://m:8261";
            s.cluster.workerSelector = new LabelSelectorBuilder().build();
        });
        assertThat(p).anySatisfy(m -> assertThat(m).contains("would match every pod"));
        List<String> q = problems(s -> {
            s.cluster.dmClusterRef = null;
            s.cluster.masterAddress = "http://m:8261";
            s.cluster.workerSelector = new LabelSelectorBuilder().addNewMatchExpression().withKey("app")
                    .withOperator("Maybe").endMatchExpression().build();
        });
        assertThat(q).anySatisfy(m -> assertThat(m).startsWith("spec.cluster.workerSelector.matchExpressions[0].operator"));
    }

    @Test
    void tasksMustBeNamesAndUnique() {
        assertThat(problems(s -> s.tasks = List.of("orders", "orders")))
                .containsExactly("spec.tasks[1]: 'orders' is listed twice");
        assertThat(problems(s -> s.tasks = List.of("x'; DROP TABLE t; --")))
                .singleElement().asString().startsWith("spec.tasks[0]:");
    }

    @Test
    void durationsAreParsedWithMinimums() {
        assertThat(problems(s -> s.pollInterval = "10"))
                .singleElement().asString().startsWith("spec.pollInterval: '10' is not a duration");
        assertThat(problems(s -> s.pollInterval = "500ms"))
                .singleElement().asString().contains("shorter than the minimum 1s");
        assertThat(problems(s -> {
            s.pollInterval = "1m";
            s.verifyTimeout = "30s";
        })).singleElement().asString().startsWith("spec.verifyTimeout:");
    }

    @Test
    void backoffOrderAndFactor() {
        assertThat(problems(s -> {
            s.backoff = new Backoff();
            s.backoff.initial = "10m";
            s.backoff.max = "1m";
        })).singleElement().asString().startsWith("spec.backoff.initial:");
        assertThat(problems(s -> {
            s.backoff = new Backoff();
            s.backoff.factor = 0.5;
        })).singleElement().asString().startsWith("spec.backoff.factor:");
    }

    @Test
    void policyNumbersAreInRange() {
        assertThat(problems(s -> {
            s.policies = new Policies();
            s.policies.invalidConnection = new ConnectionPolicy();
            s.policies.invalidConnection.maxAttempts = 0;
            s.policies.invalidConnection.pauseThreshold = 1;
            s.policies.invalidConnection.waitForAutoResume = "soon";
        })).containsExactlyInAnyOrder(
                "spec.policies.invalidConnection.waitForAutoResume: 'soon' is not a duration like 30s, 2m, 1h30m or 500ms",
                "spec.policies.invalidConnection.maxAttempts: 0 must be between 1 and 100",
                "spec.policies.invalidConnection.pauseThreshold: 1 must be between 2 and 1000");
        assertThat(problems(s -> s.maxConcurrentRemediations = 0))
                .containsExactly("spec.maxConcurrentRemediations: 0 must be between 1 and 100");
    }

    @Test
    void pathsAndNamesAreChecked() {
        assertThat(problems(s -> {
            s.relay = new RelaySettings();
            s.relay.relayDir = "/var/lib/dm-worker/../../etc";
        })).singleElement().asString().startsWith("spec.relay.relayDir:");
        assertThat(problems(s -> {
            s.downstream = new Downstream();
            s.downstream.secretRef = new SecretRef();
            s.downstream.secretRef.name = "Bad_Name";
        })).singleElement().asString().startsWith("spec.downstream.secretRef.name:");
        assertThat(problems(s -> s.downstream = new Downstream()))
                .containsExactly("spec.downstream.secretRef: is required when spec.downstream is set");
    }
}
