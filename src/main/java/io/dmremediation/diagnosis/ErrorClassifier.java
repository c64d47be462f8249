package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Classifies one DM error in its site: look-alike guards first (a match makes it unknown, whatever else it
 * says), then the four FAQ rules. An error that no rule matches is unknown, with a reason that says what was
 * missing when the error looked like a FAQ error.
 */
public final class ErrorClassifier {

    /** The FAQ rules, one per family. */
    public static final List<Rule> FAQ_RULES = List.of(InvalidConnectionRule.INSTANCE, BadConnectionRule.INSTANCE,
            RelayOverflowRule.INSTANCE, SyncerOverflowRule.INSTANCE);

    /** The look-alike guards, asked before the FAQ rules. */
    public static final List<Rule> GUARDS = List.of(LookAlike.values());

    private ErrorClassifier() {
    }

    public static Classification classify(DmError error, ErrorSite site) {
        for (Rule guard : GUARDS) {
            Optional<String> why = guard.match(error, site);
            if (why.isPresent()) {
                return new Classification(error, ErrorClass.UNKNOWN, guard.name(),
                        ErrorText.describe(error) + " is a " + why.get());
            }
        }
        List<Rule> matched = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (Rule rule : FAQ_RULES) {
            rule.match(error, site).ifPresent(r -> {
                matched.add(rule);
                reasons.add(r);
            });
        }
        Set<ErrorClass> classes = new LinkedHashSet<>();
        matched.forEach(r -> classes.add(r.errorClass()));
        if (classes.size() == 1) {
            return new Classification(error, matched.get(0).errorClass(), matched.get(0).name(), reasons.get(0));
        }
        if (classes.size() > 1) {
            // the rules are written to exclude each other; if two ever match, neither procedure is safe
            return new Classification(error, ErrorClass.UNKNOWN, "ambiguous",
                    ErrorText.describe(error) + " matches more than one FAQ rule (" + names(matched) + ")");
        }
        return new Classification(error, ErrorClass.UNKNOWN, "none", unmatchedReason(error, site));
    }

    /** Says why an error that resembles a FAQ error still matched no rule; else that no rule knows it. */
    static String unmatchedReason(DmError e, ErrorSite site) {
        String text = ErrorText.lower(e);
        String what = ErrorText.describe(e);
        Optional<OverflowSignature> sig = OverflowSignature.find(text);
        if (sig.isPresent()) {
            if (site.origin() == ErrorSite.Origin.SOURCE) {
                return what + " carries the overflow signature '" + sig.get().label()
                        + "' but is a source-level error, which no FAQ procedure addresses";
            }
            if (site.isSubtask() && site.unit() != Unit.SYNC && site.unit() != Unit.UNKNOWN) {
                return what + " carries the overflow signature '" + sig.get().label() + "' in " + site.describe()
                        + ", which does not read binlog";
            }
            return what + " carries the overflow signature '" + sig.get().label()
                    + "' but neither its code nor its text says whether the relay or the syncer read it";
        }
        if (text.contains("invalid connection") || text.contains("bad connection")) {
            if (!DriverCause.siteAllowed(site)) {
                return what + " is a connection error on " + site.describe()
                        + ", but the FAQ's restart is for the Sync unit of a task";
            }
            return what + " mentions a connection error, but not as the driver cause in one of DM's shapes "
                    + "(codes 10006/10007/10003/10002 or RawCause)";
        }
        return what + " matches no FAQ rule";
    }

    private static String names(List<Rule> rules) {
        return String.join(", ", rules.stream().map(Rule::name).toList());
    }
}
