package io.dmremediation.operator;

import io.dmremediation.api.DMRemediation;
import io.dmremediation.api.SpecValidator;
import io.dmremediation.playbook.ConfigVault;
import io.dmremediation.playbook.JobSpecs;
import io.dmremediation.playbook.Playbook;
import io.dmremediation.playbook.PlaybookContext;
import io.dmremediation.playbook.WorkerPods;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JOSDK side: event sources (DM-worker pods, the operator's repair Jobs), the poll schedule, and clean-up
 * when a DMRemediation is deleted mid-remediation. The work of a reconcile is in {@link RemediationCycle}.
 */
@ControllerConfiguration(name = DMRemediationReconciler.NAME)
public class DMRemediationReconciler implements Reconciler<DMRemediation>, Cleaner<DMRemediation> {

    public static final String NAME = "dmremediation";
    private static final Logger LOG = LoggerFactory.getLogger(DMRemediationReconciler.class);

    private final OperatorServices services;
    private final String workerPodSelector;
    private volatile IndexedResourceCache<DMRemediation> primaryCache;
    private volatile InformerEventSource<Pod, DMRemediation> podSource;
    /** Where the peers come from when there is no informer (the fast synchronous test layer). */
    private volatile java.util.function.Supplier<List<DMRemediation>> peersWithoutInformer;

    DMRemediationReconciler(OperatorServices services) {
        this(services, OperatorRunner.Options.DM_WORKER_PODS);
    }

    /** @param workerPodSelector label selector of the pods the informer watches: the DM-worker pods, nothing else */
    DMRemediationReconciler(OperatorServices services, String workerPodSelector) {
        this.services = services;
        this.workerPodSelector = workerPodSelector;
    }

    @Override
    public List<EventSource<?, DMRemediation>> prepareEventSources(EventSourceContext<DMRemediation> context) {
        primaryCache = context.getPrimaryCache();
        var pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, DMRemediation.class)
                .withName("dm-worker-pods")
                // least privilege in practice: the informer lists and watches DM-worker pods, never every pod
                .withLabelSelector(workerPodSelector)
                .withSecondaryToPrimaryMapper(this::resourcesSelecting)
                // Without this JOSDK keeps its own pod -> resource index and runs resourcesSelecting for it on every
                // pod update, the ones the filter drops too: each would mark the resource changed (a fresh poll
                // for nothing). With it, resourcesSelecting runs once per event that passes the filter.
                .withPrimaryToSecondaryMapper((DMRemediation r) -> workerPods(r))
                .withOnUpdateFilter(DMRemediationReconciler::workerChanged)
                // An add is the informer's first list (every worker, at every operator start: each resource is
                // reconciled then anyway) or a new pod that is not ready yet; its readiness is an update, seen above.
                .withOnAddFilter(pod -> false)
                .build(), context);
        podSource = pods;
        var jobs = new InformerEventSource<>(InformerEventSourceConfiguration.from(Job.class, DMRemediation.class)
                .withName("repair-jobs")
                .withLabelSelector(JobSpecs.MANAGED_BY + "=" + JobSpecs.MANAGER)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(DMRemediation.class, false))
                .build(), context);
        return List.of(pods, jobs);
    }

    @Override
    public UpdateControl<DMRemediation> reconcile(DMRemediation cached, Context<DMRemediation> context) {
        // the latest version: status is the remediation's memory and must not be a stale cached copy
        DMRemediation resource = services.statusWriter().current(cached);
        if (resource == null) {
            return UpdateControl.noUpdate();
        }
        Duration next = new RemediationCycle(services, resource, peers()).run();
        return UpdateControl.<DMRemediation>noUpdate().rescheduleAfter(next);
    }

    @Override
    public DeleteControl cleanup(DMRemediation cached, Context<DMRemediation> context) {
        DeleteControl control = letGo(cached);
        if (control.isRemoveFinalizer()) {
            services.snapshots().forget(cached.getMetadata().getUid());
            services.statusWriter().forget(cached);
        }
        return control;
    }

    /**
     * The finalizer goes only when no task this resource's remediations stopped is left stopped: a remediation in
     * flight is wound down first (see {@link RemediationCycle#windDown()}).
     */
    private DeleteControl letGo(DMRemediation cached) {
        DMRemediation resource = services.statusWriter().fresh(cached);
        if (resource == null || resource.getStatus() == null
                || resource.getStatus().active == null && (resource.getStatus().leftStopped == null
                || resource.getStatus().leftStopped.isEmpty()) && (resource.getStatus().staleConfigSecrets == null
                || resource.getStatus().staleConfigSecrets.isEmpty())) {
            return DeleteControl.defaultDelete();
        }
        String uid = resource.getMetadata().getUid();
        String clusterKey = resource.getStatus().active == null ? null : resource.getStatus().active.clusterKey;
        if (new RemediationCycle(services, resource, peers()).windDown()) {
            if (clusterKey != null) {
                services.slots().release(clusterKey, uid);
            }
            LOG.info("{}/{} deleted: nothing it stopped is left stopped; letting go",
                    resource.getMetadata().getNamespace(), resource.getMetadata().getName());
            return DeleteControl.defaultDelete();
        }
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(1).toMillis());
    }

    /** Every DMRemediation in the informer's cache (empty before the controller starts, and on a standby replica). */
    java.util.Collection<DMRemediation> cachedResources() {
        return peers();
    }

    /** The resources a reconcile sees beside its own when no informer runs (tests without JOSDK). */
    void peersWithoutInformer(java.util.function.Supplier<List<DMRemediation>> peers) {
        this.peersWithoutInformer = peers;
    }

    private List<DMRemediation> peers() {
        IndexedResourceCache<DMRemediation> cache = primaryCache;
        if (cache == null && peersWithoutInformer != null) {
            return peersWithoutInformer.get();
        }
        return cache == null ? List.of() : cache.list().toList();
    }

    /** The DMRemediations in the pod's namespace whose DM cluster this pod is a worker of. */
    Set<ResourceID> resourcesSelecting(Pod pod) {
        IndexedResourceCache<DMRemediation> cache = primaryCache;
        if (cache == null) {
            return Set.of();
        }
        Instant now = services.clock().instant();
        List<DMRemediation> selecting = cache.list(pod.getMetadata().getNamespace())
                .filter(r -> selects(r, pod)).toList();
        Set<ResourceID> ids = new HashSet<>();
        for (DMRemediation r : selecting) {
            // the reconcile this event triggers must see DM-master as it is after the change, not a poll from
            // before it that another resource left in the cache
            services.snapshots().changedAt(r.getMetadata().getUid(), now);
            ids.add(ResourceID.fromResource(r));
        }
        if (!ids.isEmpty()) {
            services.metrics().workerPodChange();
        }
        return ids;
    }

    /** The DM-worker pods of the resource's cluster, from the informer's cache. */
    private Set<ResourceID> workerPods(DMRemediation r) {
        InformerEventSource<Pod, DMRemediation> pods = podSource;
        if (pods == null) {
            return Set.of();
        }
        return pods.list(r.getMetadata().getNamespace(), pod -> selects(r, pod)).map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    /** A valid resource whose worker labels the pod carries. */
    private static boolean selects(DMRemediation r, Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels == null || r.getSpec() == null || !SpecValidator.validate(r.getSpec()).isEmpty()) {
            return false;
        }
        Map<String, String> wanted = ClusterTarget.of(r).workerLabels();
        return !wanted.isEmpty() && wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** A restart, readiness flip, node move or deletion: not every status heartbeat. */
    static boolean workerChanged(Pod now, Pod before) {
        return !Objects.equals(now.getMetadata().getDeletionTimestamp(), before.getMetadata().getDeletionTimestamp())
                || !Objects.equals(now.getSpec() == null ? null : now.getSpec().getNodeName(),
                        before.getSpec() == null ? null : before.getSpec().getNodeName())
                || WorkerPods.ready(now) != WorkerPods.ready(before)
                || restarts(now) != restarts(before)
                || !Objects.equals(phase(now), phase(before));
    }

    private static int restarts(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return 0;
        }
        return pod.getStatus().getContainerStatuses().stream()
                .map(ContainerStatus::getRestartCount).filter(Objects::nonNull).mapToInt(Integer::intValue).sum();
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }
}
