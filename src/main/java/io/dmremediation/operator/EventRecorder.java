package io.dmremediation.operator;

import io.dmremediation.api.DMRemediation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on the DMRemediation, like client-go's recorder: the same reason and message again bumps the
 * count of the existing Event instead of adding one, so a repeated condition never floods the namespace. Callers
 * emit on transitions only; this is the second line of defence. A failure to record is logged, never thrown: an
 * Event must not stop a remediation.
 */
public final class EventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    static final String COMPONENT = "dm-remediation-operator";

    private final KubernetesClient client;
    private final Clock clock;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void record(DMRemediation r, EventReason reason, String message) {
        String ns = r.getMetadata().getNamespace();
        String name = eventName(r, reason, message);
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        try {
            Event existing = client.v1().events().inNamespace(ns).withName(name).get();
            if (existing != null) {
                client.v1().events().inNamespace(ns).withName(name).edit(e -> {
                    e.setCount(e.getCount() == null ? 2 : e.getCount() + 1);
                    e.setLastTimestamp(now);
                    return e;
                });
                return;
            }
            Event event = new EventBuilder()
                    .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(r.getApiVersion())
                            .withKind(r.getKind())
                            .withName(r.getMetadata().getName())
                            .withNamespace(ns)
                            .withUid(r.getMetadata().getUid())
                            .withResourceVersion(r.getMetadata().getResourceVersion())
                            .build())
                    .withReason(reason.name())
                    .withType(reason.type())
                    .withMessage(message.length() > 1000 ? message.substring(0, 997) + "..." : message)
                    .withCount(1)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT)
                    .build();
            client.v1().events().inNamespace(ns).resource(event).create();
        } catch (RuntimeException e) {
            LOG.warn("could not record event {} on {}/{}: {}", reason, ns, r.getMetadata().getName(), e.getMessage());
        }
    }

    /** Same object, reason and message → same name, so a repeat finds the Event to bump. */
    static String eventName(DMRemediation r, EventReason reason, String message) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((r.getMetadata().getUid() + "|" + reason + "|"
                    + message).getBytes(StandardCharsets.UTF_8));
            String base = r.getMetadata().getName();
            if (base.length() > 200) {
                base = base.substring(0, 200);
            }
            return base + "." + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
