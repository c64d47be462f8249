package io.dmremediation.diagnosis;

import io.dmremediation.domain.DmError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The class of everything one subtask or relay reported, from the classes of its errors, with the evidence
 * ordered deciding error first and the reason as one sentence.
 *
 * <p>DM writes downstream concurrently, so one interruption can leave several errors (FAQ, "invalid
 * connection"). All errors of one FAQ class give that class. A FAQ error beside an error no rule knows (or a
 * look-alike) gives unknown: the other error may be the real problem, and the FAQ procedure would not address
 * it. Errors of two FAQ classes give unknown too: no single procedure fits, and running one would hide the other.
 */
public record Verdict(ErrorClass errorClass, List<DmError> evidence, String reason) {

    public Verdict {
        evidence = List.copyOf(evidence);
    }

    /** @param classified at least one classification, in DM's order */
    public static Verdict of(List<Classification> classified) {
        if (classified.isEmpty()) {
            throw new IllegalArgumentException("no errors to judge");
        }
        Set<ErrorClass> faq = new LinkedHashSet<>();
        Classification firstOther = null;
        for (Classification c : classified) {
            if (c.isFaq()) {
                faq.add(c.errorClass());
            } else if (firstOther == null) {
                firstOther = c;
            }
        }
        int n = classified.size();
        if (faq.isEmpty()) {
            Classification first = classified.get(0);
            return new Verdict(ErrorClass.UNKNOWN, ordered(classified, first),
                    sentence(first.reason() + more(n, "no other error matches a FAQ rule either")));
        }
        if (faq.size() > 1) {
            Classification first = classified.get(0);
            return new Verdict(ErrorClass.UNKNOWN, ordered(classified, first),
                    sentence("errors of " + faq.size() + " different FAQ classes (" + ids(faq)
                            + ") on one subject, and no single FAQ procedure fits them all"));
        }
        ErrorClass only = faq.iterator().next();
        if (firstOther != null) {
            Classification deciding = firstOther;
            Classification faqOne = classified.stream().filter(Classification::isFaq).findFirst().orElseThrow();
            return new Verdict(ErrorClass.UNKNOWN, ordered(classified, deciding),
                    sentence("the " + only.id() + " error " + ErrorText.describe(faqOne.error()) + " comes with another error: "
                            + deciding.reason() + ", so the FAQ procedure may not be the fix"));
        }
        Classification deciding = classified.get(0);
        return new Verdict(only, ordered(classified, deciding),
                sentence(deciding.reason() + more(n, "all " + n + " errors are the same FAQ error")));
    }

    private static List<DmError> ordered(List<Classification> all, Classification deciding) {
        List<DmError> out = new ArrayList<>(all.size());
        out.add(deciding.error());
        for (Classification c : all) {
            if (c != deciding) {
                out.add(c.error());
            }
        }
        return out;
    }

    private static String more(int n, String clause) {
        return n > 1 ? "; " + clause : "";
    }

    private static String ids(Set<ErrorClass> classes) {
        return String.join(" and ", classes.stream().map(ErrorClass::id).toList());
    }

    /** Capital first letter, one final period. */
    static String sentence(String clause) {
        String s = clause.strip();
        if (s.isEmpty()) {
            return s;
        }
        s = Character.toUpperCase(s.charAt(0)) + s.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }
}
