package io.dmremediation.badinput;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dmremediation.diagnosis.Diagnosis;
import io.dmremediation.diagnosis.ErrorClass;
import io.dmremediation.diagnosis.Finding;
import io.dmremediation.dm.DmBadReplyException;
import io.dmremediation.dm.DmMasterException;
import io.dmremediation.dm.DmStatusJson;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs every DM parser on one input and checks what must hold whatever the input:
 * <ol>
 *   <li>a parser returns a result or throws a {@link DmMasterException}; nothing else escapes (no NPE,
 *       ClassCast, NumberFormat, IndexOutOfBounds, StackOverflowError, OutOfMemoryError);</li>
 *   <li>text that is not one valid JSON object makes every strict parser throw {@link DmBadReplyException};</li>
 *   <li>{@link Diagnosis#diagnose} on any returned snapshot never throws;</li>
 *   <li>no FAQ-class finding from garbage: every error behind a FAQ finding is text the input literally holds (a
 *       substring of the input or of one of its JSON string values), and that text literally carries the FAQ
 *       signature of the class;</li>
 *   <li>every case finishes within a time budget (a catastrophic regex or a quadratic loop is a hang in the
 *       operator's reconcile thread); the work runs on a daemon thread so a runaway case fails the test instead of
 *       hanging the build.</li>
 * </ol>
 * Failures are collected with the seed, the case number, the mutation and a shortened input, so each one can be
 * reproduced.
 */
final class Harness implements AutoCloseable {

    /** The parsers under test, by the name used in failure messages. */
    enum Parser {
        QUERY_STATUS(true, DmStatusJson::parseQueryStatus),
        OPENAPI_TASK_STATUS(true, DmStatusJson::parseOpenApiTaskStatus),
        OPENAPI_TASK_LIST(true, DmStatusJson::parseOpenApiTaskList),
        PARSE_ANY(false, DmStatusJson::parseAny),
        GATEWAY_MEMBERS(true, DmStatusJson::parseGatewayMembers),
        OPENAPI_WORKERS(true, DmStatusJson::parseOpenApiWorkers),
        OPENAPI_SOURCE_STATUS(true, s -> DmStatusJson.parseOpenApiSourceStatus("src-01", s));

        final boolean strict;
        final Function<String, ?> parse;

        Parser(boolean strict, Function<String, ?> parse) {
            this.strict = strict;
            this.parse = parse;
        }
    }

    /** The same strictness as the production reader (JsonTree): duplicate keys and trailing tokens are errors. */
    static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectMapper FIRST_VALUE = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** What parseAny strips before reading (PastedText): terminal colours and a BOM. */
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");
    private static final Pattern JSON_START = Pattern.compile("(?m)^[ \\t]*\\{");
    private static final Pattern KEY_LINE = Pattern.compile("^\\s*\"[A-Za-z]+\"\\s*:.*");

    static final List<String> CONNECTION_SIGNATURES = List.of("invalid connection", "bad connection");
    static final List<String> OVERFLOW_SIGNATURES = List.of("binlog checksum mismatch", "get event err eof",
            "diff from passed-in event", "become smaller", "of meta config is too big",
            "binlog truncated in the middle of event", "bogus data in log event", "did not pass crc check");

    private final long seed;
    private final String target;
    private final long budgetMillis;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "badinput-case");
        t.setDaemon(true);
        return t;
    });
    private final List<String> failures = new ArrayList<>();
    private int cases;
    private int snapshots;
    private int typedErrors;
    private int faqFindings;
    private boolean hung;
    private long slowestNanos;
    private String slowest = "none";

    Harness(String target, long seed, long budgetMillis) {
        this.target = target;
        this.seed = seed;
        this.budgetMillis = budgetMillis;
    }

    int cases() {
        return cases;
    }

    int snapshots() {
        return snapshots;
    }

    int typedErrors() {
        return typedErrors;
    }

    int faqFindings() {
        return faqFindings;
    }

    List<String> failures() {
        return failures;
    }

    /** The slowest case so far, for the test log. */
    String slowest() {
        return slowest;
    }

    /** A one-paragraph report for assertion messages. */
    String report() {
        StringBuilder b = new StringBuilder(target + " (seed " + seed + "): " + failures.size() + " failures in "
                + cases + " cases; slowest " + slowest);
        for (int i = 0; i < Math.min(failures.size(), 15); i++) {
            b.append("\n  - ").append(failures.get(i));
        }
        return b.toString();
    }

    /** Runs all parsers on the input. */
    void check(int caseNo, String origin, String input) {
        for (Parser p : Parser.values()) {
            check(caseNo, origin, input, p);
        }
    }

    /** Runs one parser (and diagnose on its snapshot) with every oracle. */
    void check(int caseNo, String origin, String input, Parser parser) {
        if (hung) {
            return;
        }
        cases++;
        String where = "case " + caseNo + " [" + origin + "] " + parser;
        long start = System.nanoTime();
        Future<String> f = worker.submit(() -> judge(parser, input));
        String problem;
        try {
            problem = f.get(budgetMillis, TimeUnit.MILLISECONDS);
            long took = System.nanoTime() - start;
            if (took > slowestNanos) {
                slowestNanos = took;
                slowest = where + " (" + took / 1_000_000 + " ms)";
            }
        } catch (TimeoutException e) {
            f.cancel(true);
            hung = true;
            problem = "still running after " + budgetMillis + " ms (a catastrophic regex or a quadratic loop?); "
                    + "this target stops here";
        } catch (ExecutionException e) {
            problem = "harness error " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        if (problem != null) {
            failures.add(where + ": " + problem + "; input of " + input.length() + " chars: "
                    + shorten(printable(input), 300));
        }
    }

    /** Null when every oracle holds, else what went wrong. */
    private String judge(Parser parser, String input) {
        Object result;
        try {
            result = parser.parse.apply(input);
        } catch (DmMasterException e) {
            typedErrors++;
            if (e.getMessage() == null || e.getMessage().contains("\n")) {
                return "typed error without a one-line message: " + printable(String.valueOf(e.getMessage()));
            }
            return null;
        } catch (Throwable t) {
            return "escaped as " + t + " at " + (t.getStackTrace().length > 0 ? t.getStackTrace()[0] : "?");
        }
        if (result == null) {
            return "returned null";
        }
        if (parser.strict && !isJsonObject(input)) {
            return "accepted text that is not one valid JSON object, giving " + shorten(String.valueOf(result), 200);
        }
        if (!(result instanceof DmSnapshot snapshot)) {
            return null;
        }
        snapshots++;
        List<Finding> findings;
        try {
            findings = Diagnosis.diagnose(snapshot);
        } catch (Throwable t) {
            return "diagnose threw " + t + " at " + (t.getStackTrace().length > 0 ? t.getStackTrace()[0] : "?");
        }
        return evidenceProblem(input, findings);
    }

    /** Oracle 4: FAQ findings only from text the input holds, carrying the class's signature. */
    String evidenceProblem(String input, List<Finding> findings) {
        return evidenceProblem(List.of(input), findings);
    }

    /** As above, for a snapshot built from several replies (one client call, several requests). */
    String evidenceProblem(List<String> inputs, List<Finding> findings) {
        List<String> sources = null;
        for (Finding f : findings) {
            if (f.errorClass() == ErrorClass.UNKNOWN) {
                continue;
            }
            faqFindings++;
            if (sources == null) {
                sources = new ArrayList<>();
                for (String input : inputs) {
                    sources.addAll(textsIn(input));
                }
            }
            for (DmError e : f.evidence()) {
                for (String part : List.of(e.message(), e.rawCause())) {
                    if (!part.isEmpty() && sources.stream().noneMatch(s -> s.contains(normalize(part)))) {
                        return "a " + f.errorClass().id() + " finding whose evidence '" + shorten(printable(part), 120)
                                + "' is not text of the input";
                    }
                }
                String text = e.text().toLowerCase(Locale.ROOT);
                List<String> signatures = switch (f.errorClass()) {
                    case INVALID_CONNECTION -> List.of(CONNECTION_SIGNATURES.get(0));
                    case BAD_CONNECTION -> List.of(CONNECTION_SIGNATURES.get(1));
                    default -> OVERFLOW_SIGNATURES;
                };
                if (signatures.stream().noneMatch(text::contains)) {
                    return "a " + f.errorClass().id() + " finding whose error '" + shorten(printable(e.text()), 120)
                            + "' does not carry the FAQ signature " + signatures;
                }
            }
        }
        return null;
    }

    /** The input itself and every string value of the JSON it holds (as parseAny finds it), normalised. */
    static List<String> textsIn(String input) {
        List<String> out = new ArrayList<>();
        String plain = ANSI.matcher(input).replaceAll("");
        out.add(normalize(plain));
        // the lenient reader of pasted input reads a JSON-escaped text once unescaped (a cut-off reply, a log line)
        out.add(normalize(io.dmremediation.dm.PastedTextAccess.unescapeJson(plain)));
        collectStrings(readFirstValue(input), out);
        Matcher m = JSON_START.matcher(plain);
        if (m.find()) {
            collectStrings(readFirstValue(plain.substring(m.end() - 1)), out);
        }
        // a pasted ProcessError fragment: "Key": "value", lines whose values are JSON-escaped
        for (String line : plain.split("\\r?\\n|\\r")) {
            if (KEY_LINE.matcher(line).matches()) {
                String body = line.strip();
                body = body.endsWith(",") ? body.substring(0, body.length() - 1) : body;
                collectStrings(readFirstValue("{" + body + "}"), out);
            }
        }
        return out;
    }

    private static JsonNode readFirstValue(String text) {
        try (JsonParser p = FIRST_VALUE.createParser(text)) {
            return FIRST_VALUE.readTree(p);
        } catch (Exception e) {
            return null;
        }
    }

    private static void collectStrings(JsonNode n, List<String> out) {
        if (n == null) {
            return;
        }
        if (n.isTextual()) {
            out.add(normalize(n.textValue()));
        }
        n.forEach(c -> collectStrings(c, out));
    }

    /** DM's error_msg splitting drops a '\r' before '\n'; compare line breaks as '\n'. */
    static String normalize(String s) {
        return s.replace("\r\n", "\n");
    }

    static boolean isJsonObject(String text) {
        if (text.length() > 8 * 1024 * 1024) {
            return false;
        }
        try {
            JsonNode n = STRICT.readTree(text);
            return n != null && n.isObject();
        } catch (Exception e) {
            return false;
        }
    }

    /** Control characters and non-ASCII escaped, so a failure message is one readable line. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 4000; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                b.append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    static String shorten(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int head = max * 2 / 3;
        int tail = max - head;
        return s.substring(0, head) + "…(" + s.length() + " chars)…" + s.substring(s.length() - tail);
    }

    @Override
    public void close() {
        // the numbers of each run, in the surefire output file: how many cases, how they ended, the slowest one
        System.out.println(target + " (seed " + seed + "): " + cases + " cases, " + snapshots + " snapshots, "
                + typedErrors + " typed errors, " + faqFindings + " FAQ findings, " + failures.size()
                + " failures; slowest " + slowest);
        worker.shutdownNow();
    }
}
