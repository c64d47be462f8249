package io.dmremediation.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.SchemaSwap;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** Guards the replication tasks of one DM cluster and runs the DM FAQ's fixes for them. */
@Group(DMRemediation.GROUP)
@Version(DMRemediation.VERSION)
@Kind("DMRemediation")
@Plural("dmremediations")
@Singular("dmremediation")
@ShortNames("dmr")
@Categories("dm")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Cluster", jsonPath = ".status.cluster", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Tasks", jsonPath = ".status.taskCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Healthy", jsonPath = ".status.healthyTasks", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Last-Action", jsonPath = ".status.lastAction", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
// -o wide only (priority 1)
@AdditionalPrinterColumn(name = "Poll-Interval", jsonPath = ".spec.pollInterval", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Last-Poll", jsonPath = ".status.lastPollTime", type = AdditionalPrinterColumn.Type.DATE, priority = 1)
@AdditionalPrinterColumn(name = "Escalated", jsonPath = ".status.escalatedTasks", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@SchemaSwap(originalType = DMRemediationSpec.class, fieldName = "anyFields", targetType = void.class)
@SchemaSwap(originalType = ClusterRef.class, fieldName = "anyFields", targetType = void.class)
@SchemaSwap(originalType = DMClusterRef.class, fieldName = "anyFields", targetType = void.class)
@SchemaSwap(originalType = Downstream.class, fieldName = "anyFields", targetType = void.class)
@SchemaSwap(originalType = SecretRef.class, fieldName = "anyFields", targetType = void.class)
@SchemaSwap(originalType = RelaySettings.class, fieldName = "anyFields", targetType = void.class)
@SchemaSwap(originalType = Policies.class, fieldName = "anyFields", targetType = void.class)
@SchemaSwap(originalType = ConnectionPolicy.class, fieldName = "anyFields", targetType = void.class)
@SchemaSwap(originalType = RelayOverflowPolicy.class, fieldName = "anyFields", targetType = void.class)
@SchemaSwap(originalType = SyncerOverflowPolicy.class, fieldName = "anyFields", targetType = void.class)
@SchemaSwap(originalType = Backoff.class, fieldName = "anyFields", targetType = void.class)
@SchemaSwap(originalType = JobSettings.class, fieldName = "anyFields", targetType = void.class)
@SchemaSwap(originalType = ClusterTls.class, fieldName = "anyFields", targetType = void.class)
@SchemaSwap(originalType = StormSettings.class, fieldName = "anyFields", targetType = void.class)
public class DMRemediation extends CustomResource<DMRemediationSpec, DMRemediationStatus> implements Namespaced {

    public static final String GROUP = "dmremediation.io";
    public static final String VERSION = "v1alpha1";
    /** One-shot retry of an escalated task: {@code dmremediation.io/retry=<task>} (or {@code *} for all). */
    public static final String RETRY_ANNOTATION = GROUP + "/retry";

    @Override
    protected DMRemediationStatus initStatus() {
        return new DMRemediationStatus();
    }
}
