package io.dmremediation.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import io.dmremediation.domain.DmError;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The regexes this work replaced (they backtracked quadratically or worse on long DM texts, see
 * {@link PathologicalTextTest}) against their replacements, on many short texts built from the tokens the patterns
 * look for: the rewrites must match exactly where the originals matched. The originals are copied here verbatim
 * from the code before the change; the replacements are package-private and reached by reflection, because the
 * point is to compare the two implementations, not to go through a caller that would hide a difference.
 */
class RegexRewriteEquivalenceTest {

    private static final long SEED = 0xD11A_0008L;
    private static final int CASES = 30_000;

    /** Concatenations of 0 to 8 tokens: the literals the patterns look for, separators, and filler. */
    private static List<String> texts(List<String> tokens) {
        Random random = new Random(SEED);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(9);
            for (int k = 0; k < n; k++) {
                b.append(tokens.get(random.nextInt(tokens.size())));
            }
            out.add(b.toString());
        }
        return out;
    }

    private static <T> List<String> differences(List<String> texts, Function<String, T> before, Function<String, T> after) {
        List<String> diffs = new ArrayList<>();
        for (String t : texts) {
            T a = before.apply(t);
            T b = after.apply(t);
            if (!a.equals(b)) {
                diffs.add(Harness.printable(t) + ": before " + a + ", after " + b);
            }
        }
        return diffs;
    }

    // ---- diagnosis: OverflowSignature ----

    /** OverflowSignature's patterns before the change, in declaration order. */
    private static final List<Pattern> OVERFLOW_BEFORE = List.of(
            Pattern.compile("binlog checksum mismatch"),
            Pattern.compile("get event err eof, need \\d+ but got \\d+"),
            Pattern.compile("diff from passed-in event"),
            Pattern.compile("file size of relay log .*become smaller"),
            Pattern.compile("relay log pos .*of meta config is too big"),
            Pattern.compile("error 1236.*binlog truncated in the middle of event", Pattern.DOTALL),
            Pattern.compile("error 1236.*bogus data in log event", Pattern.DOTALL),
            Pattern.compile("error 1236.*event read from binlog did not pass crc check", Pattern.DOTALL));

    @Test
    void overflowSignaturesMatchWhereTheyMatchedBefore() throws Exception {
        Method find = Class.forName("io.dmremediation.diagnosis.OverflowSignature").getDeclaredMethod("find", String.class);
        find.setAccessible(true);
        List<String> tokens = List.of("error 1236", "binlog truncated in the middle of event", "bogus data in log event",
                "event read from binlog did not pass crc check", "file size of relay log ", "become smaller",
                "relay log pos ", "of meta config is too big", "get event err eof, need ", "12", " but got ", "7",
                "binlog checksum mismatch", "diff from passed-in event", "\n", "\r", "\u2028", "\u0085", " ", "x",
                "error 123", "6");
        List<String> diffs = differences(texts(tokens), t -> {
            for (int i = 0; i < OVERFLOW_BEFORE.size(); i++) {
                if (OVERFLOW_BEFORE.get(i).matcher(t).find()) {
                    return i;
                }
            }
            return -1;
        }, t -> {
            try {
                Optional<?> sig = (Optional<?>) find.invoke(null, t);
                return sig.map(s -> ((Enum<?>) s).ordinal()).orElse(-1);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(diffs).as("seed %d", SEED).isEmpty();
    }

    // ---- diagnosis: DriverCause's text shape ----

    @Test
    void driverCauseTextShapeMatchesWhereItMatchedBefore() throws Exception {
        Class<?> type = Class.forName("io.dmremediation.diagnosis.DriverCause");
        Constructor<?> make = type.getDeclaredConstructor(String.class, int.class);
        make.setAccessible(true);
        Object cause = make.newInstance("invalid connection", 10003);
        Method find = type.getDeclaredMethod("find", DmError.class);
        find.setAccessible(true);
        Pattern before = Pattern.compile("(?:rawcause: |database driver: |execute statement failed: .*?: )"
                + Pattern.quote("invalid connection") + "(?=\\s*$|[.,;\"'\\])\\n])", Pattern.DOTALL);
        List<String> tokens = List.of("execute statement failed: ", ": ", "invalid connection", "rawcause: ",
                "database driver: ", ".", ",", ";", "\"", ")", "]", "\n", " ", "\t", "x", "begin", "\u2028", ":");
        List<String> diffs = differences(texts(tokens), t -> before.matcher(t).find(), t -> {
            try {
                // code 0: the text-only branch, the one that used the regex
                return ((Optional<?>) find.invoke(cause, DmError.ofText(t))).isPresent();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(diffs).as("seed %d", SEED).isEmpty();
    }

    // ---- dm: SafeText ----

    private static final Pattern SECRET_BEFORE = Pattern.compile(
            "(?i)([\\w.-]*(?:password|passwd|pwd|secret|token)[\\w.-]*[\"']?\\s*[:=]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s,;}\\]]+)");
    private static final Pattern YAML_BEFORE = Pattern.compile(
            "(?im)^\\s*[\\w.-]*(?:password|passwd|pwd|secret|token)[\\w.-]*\\s*:[ \\t]*(.*?)[ \\t]*(?:#.*)?$");

    private static String maskedBefore(String s) {
        return SECRET_BEFORE.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "***"));
    }

    private static List<String> yamlBefore(String yaml) {
        List<String> values = new ArrayList<>();
        Matcher m = YAML_BEFORE.matcher(yaml);
        while (m.find()) {
            String v = m.group(1);
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                v = v.substring(1, v.length() - 1);
            }
            if (!v.isBlank()) {
                values.add(v);
            }
        }
        return values;
    }

    private static final List<String> SECRET_TOKENS = List.of("password", "db_pwd", "Token", "secret", "pass", "word",
            "x", "a.b", "-", "_", ":", "=", " ", "\t", "\n", "\"", "'", "val", ",", ";", "}", "]", "#", " # c",
            "\r", "\f", "\u000B", "\u2028", "\u0085", "  ", "：");

    @Test
    void secretMaskingMasksWhatItMaskedBefore() throws Exception {
        Method oneLine = Class.forName("io.dmremediation.dm.SafeText").getDeclaredMethod("oneLine", String.class);
        oneLine.setAccessible(true);
        // oneLine = mask, then collapse control characters and blanks, strip, cut at 400: the same after both
        List<String> diffs = differences(texts(SECRET_TOKENS),
                t -> {
                    String s = maskedBefore(t).replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
                    return s.length() > 400 ? s.substring(0, 400) + "…" : s;
                },
                t -> {
                    try {
                        return (String) oneLine.invoke(null, t);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                });
        assertThat(diffs).as("seed %d", SEED).isEmpty();
    }

    @Test
    void yamlSecretValuesAreTheOnesFoundBefore() throws Exception {
        Method values = Class.forName("io.dmremediation.dm.SafeText").getDeclaredMethod("secretValuesOf", String.class);
        values.setAccessible(true);
        List<String> diffs = differences(texts(SECRET_TOKENS), RegexRewriteEquivalenceTest::yamlBefore, t -> {
            try {
                return (List<?>) values.invoke(null, t);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(diffs).as("seed %d", SEED).isEmpty();
    }
}
