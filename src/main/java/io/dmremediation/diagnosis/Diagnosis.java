package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Relay;
import io.dmremediation.domain.SourceState;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Unit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The diagnose step of the flow (DESIGN, "observe → diagnose → decide"): a pure function from one DM snapshot to
 * findings. No I/O, no clock. What becomes a finding (dm-facts §3.2 "Where errors live"):
 * <ul>
 *   <li>a subtask with errors; one a person paused ({@code isCanceled}) without errors, or a healthy one, is
 *       not a finding; one that is canceled and still shows errors is reported as unknown, never acted on,
 *       because the operator never fights a human pause (DESIGN, "Models");</li>
 *   <li>a relay with errors ({@code task == null}, unit {@link Unit#RELAY}); a paused relay without errors is not;</li>
 *   <li>source-level errors, and a worker DM-master could not query: always unknown.</li>
 * </ul>
 * Order: subtask findings by task then source (then worker), then relay findings by source, then source-level
 * findings by source.
 */
public final class Diagnosis {

    private static final Comparator<String> TEXT = Comparator.nullsFirst(Comparator.naturalOrder());
    private static final Comparator<Subtask> SUBTASKS = Comparator.comparing(Subtask::task, TEXT)
            .thenComparing(Subtask::source, TEXT).thenComparing(Subtask::worker, TEXT);
    private static final Comparator<Relay> RELAYS = Comparator.comparing(Relay::source, TEXT)
            .thenComparing(Relay::worker, TEXT);
    private static final Comparator<SourceState> SOURCES = Comparator.comparing(SourceState::source, TEXT)
            .thenComparing(SourceState::worker, TEXT);

    private Diagnosis() {
    }

    public static List<Finding> diagnose(DmSnapshot snapshot) {
        List<Finding> findings = new ArrayList<>();
        snapshot.subtasks().stream().sorted(SUBTASKS).map(Diagnosis::ofSubtask).flatMap(Optional::stream)
                .forEach(findings::add);
        snapshot.relays().stream().sorted(RELAYS).map(Diagnosis::ofRelay).flatMap(Optional::stream)
                .forEach(findings::add);
        snapshot.sources().stream().sorted(SOURCES).forEach(s -> findings.addAll(ofSource(s)));
        return List.copyOf(findings);
    }

    /** The finding for one subtask, or empty when it shows no error. */
    public static Optional<Finding> ofSubtask(Subtask st) {
        if (st.errors().isEmpty()) {
            return Optional.empty();
        }
        Verdict v = judge(st.errors(), ErrorSite.subtask(st.unit()));
        if (st.canceled()) {
            return Optional.of(new Finding(st.task(), st.source(), st.worker(), st.unit(), ErrorClass.UNKNOWN,
                    v.evidence(), Verdict.sentence("the subtask was paused by a person (isCanceled) while it showed "
                            + "errors, and the operator never acts on a human pause; the errors alone would read as "
                            + v.errorClass().id())));
        }
        return Optional.of(new Finding(st.task(), st.source(), st.worker(), st.unit(), v.errorClass(), v.evidence(),
                v.reason()));
    }

    /** The finding for one relay, or empty when it shows no error (a paused relay without errors included). */
    public static Optional<Finding> ofRelay(Relay relay) {
        if (relay.errors().isEmpty()) {
            return Optional.empty();
        }
        Verdict v = judge(relay.errors(), ErrorSite.relay());
        return Optional.of(new Finding(null, relay.source(), relay.worker(), Unit.RELAY, v.errorClass(),
                v.evidence(), v.reason()));
    }

    /**
     * Source-level errors and a failed worker query: reported as unknown, never acted on. The FAQ procedures
     * restart a task or fix a relay; a source-level error is neither, and an unanswered query says nothing.
     */
    public static List<Finding> ofSource(SourceState s) {
        List<Finding> out = new ArrayList<>(2);
        if (!s.errors().isEmpty()) {
            DmError first = s.errors().get(0);
            String more = s.errors().size() > 1 ? " and " + (s.errors().size() - 1) + " more" : "";
            out.add(new Finding(null, s.source(), s.worker(), Unit.UNKNOWN, ErrorClass.UNKNOWN, s.errors(),
                    Verdict.sentence("DM reported the source-level error " + ErrorText.describe(first) + more
                            + " is reported only: no FAQ procedure fixes a source")));
        }
        if (s.queryError() != null) {
            String msg = s.queryError().isBlank() ? "(no message)" : s.queryError().strip();
            out.add(new Finding(null, s.source(), s.worker(), Unit.UNKNOWN, ErrorClass.UNKNOWN, List.of(),
                    Verdict.sentence("DM-master could not query worker " + s.worker() + " for source " + s.source()
                            + ": " + msg)));
        }
        return out;
    }

    /** Classifies each error at the site and combines them. */
    public static Verdict judge(List<DmError> errors, ErrorSite site) {
        return Verdict.of(errors.stream().map(e -> ErrorClassifier.classify(e, site)).toList());
    }
}
