package io.dmremediation.dm;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.Unit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pulls DM's errors out of text that is not a whole DM reply (pure, for the human-facing {@code diagnose}; the
 * operator never reads DM this way): a start-task or resume-task reply whose {@code msg} wraps the worker's errors
 * (38032 {@code some error occurs in dm-worker: ErrCode:10006 ErrClass:"database" …}, proto text form, dm-facts
 * §1.2), a query-status or OpenAPI reply cut off mid-way, DM log lines that quote an error. It finds, anywhere in the
 * text:
 * <ul>
 *   <li>ProcessErrors in proto text form ({@code ErrCode:N ErrClass:"…" … Message:"…" RawCause:"…"});</li>
 *   <li>ProcessErrors as JSON key/value runs ({@code "ErrCode": N, "ErrClass": "…", …}), whole or cut off;</li>
 *   <li>terror strings ({@code [code=N:class=…:scope=…:level=…], Message: …} or the old
 *       {@code [code=N:…] message: cause}), up to the end of their quoted string or line.</li>
 * </ul>
 * A 38032 wrapper whose inner errors were found is dropped: it is DM-master's, the inner ones are the worker's. Text
 * escaped for JSON (a quoted reply inside a log line, a cut-off reply) is read a second time unescaped.
 */
final class PastedErrors {

    /** One error and the unit the surrounding text names for it ({@code [unit=Sync]} in DM's logs), if any. */
    record Found(DmError error, Unit unit) {
    }

    private static final Pattern PROTO_START = Pattern.compile("ErrCode:(\\d{1,9})\\s");
    private static final Pattern PROTO_FIELD = Pattern.compile("\\G\\s*(ErrClass|ErrScope|ErrLevel|Message|RawCause|Workaround):\"");
    private static final Pattern JSON_CODE = Pattern.compile("\"ErrCode\"\\s*:\\s*(\\d{1,9})");
    private static final Pattern JSON_FIELD = Pattern.compile("\\G\\s*,?\\s*\"(ErrClass|ErrScope|ErrLevel|Message|RawCause|Workaround)\"\\s*:\\s*\"");
    private static final Pattern TERROR = Pattern.compile("\\[code=\\d{1,9}:class=[^:\\]]*:scope=[^:\\]]*:level=[^:\\]]*\\]");
    private static final Pattern UNIT = Pattern.compile("\\[unit=\"?(Sync|Relay|Dump|Load|Check)\"?\\]|\"unit\"\\s*:\\s*\"(Sync|Relay|Dump|Load|Check)\"",
            Pattern.CASE_INSENSITIVE);
    private static final int WRAPPER = 38032;

    private PastedErrors() {
    }

    /** Every DM error found in the text, in order; empty when there is none. */
    static List<Found> in(String text) {
        List<Found> found = scan(text);
        if (found.isEmpty() && text.contains("\\\"")) {
            found = scan(unescapeJson(text));
        }
        return found;
    }

    private static List<Found> scan(String text) {
        Unit unit = unitNamedIn(text);
        List<int[]> taken = new ArrayList<>();
        Map<Integer, DmError> byStart = new LinkedHashMap<>();
        Matcher proto = PROTO_START.matcher(text);
        while (proto.find()) {
            int start = proto.start();
            int[] end = {proto.end() - 1};
            DmError e = fields(text, Integer.parseInt(proto.group(1)), end, PROTO_FIELD, false);
            byStart.put(start, e);
            taken.add(new int[] {start, end[0]});
        }
        Matcher json = JSON_CODE.matcher(text);
        while (json.find()) {
            int start = json.start();
            int[] end = {json.end()};
            DmError e = fields(text, Integer.parseInt(json.group(1)), end, JSON_FIELD, true);
            byStart.put(start, e);
            taken.add(new int[] {start, end[0]});
        }
        boolean innerFound = !byStart.isEmpty();
        Matcher terror = TERROR.matcher(text);
        while (terror.find()) {
            int start = terror.start();
            if (inside(taken, start)) {
                continue;
            }
            int end = terrorEnd(text, terror.end());
            DmError e = DmErrorText.parse(text.substring(start, end));
            if (e.code() == WRAPPER && innerFound) {
                continue;
            }
            byStart.put(start, e);
        }
        List<Found> out = new ArrayList<>();
        java.util.Set<DmError> seen = new java.util.HashSet<>();
        // the same error quoted twice (a log line's error= and errorVerbose=) is one error
        byStart.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(en -> seen.add(en.getValue()))
                .forEach(en -> out.add(new Found(en.getValue(), unit)));
        return out;
    }

    /**
     * Reads {@code Name:"value"} (proto text) or {@code "Name": "value"} (JSON) fields after the code; stops at the
     * first thing that is not one, or where the text ends (a cut-off value keeps what was there).
     */
    private static DmError fields(String text, int code, int[] pos, Pattern field, boolean json) {
        Map<String, String> values = new LinkedHashMap<>();
        Matcher m = field.matcher(text);
        int at = pos[0];
        while (at < text.length() && m.find(at) && m.start() == at) {
            int[] end = {m.end()};
            String value = quoted(text, end, json);
            values.put(m.group(1), value);
            at = end[0];
        }
        pos[0] = at;
        return new DmError(code, values.get("ErrClass"), values.get("ErrScope"), values.get("ErrLevel"),
                values.get("Message"), values.get("RawCause"), values.get("Workaround"));
    }

    /** A quoted value from just after its opening quote: Go and JSON escapes read, cut off at the text's end. */
    private static String quoted(String text, int[] pos, boolean json) {
        StringBuilder sb = new StringBuilder();
        int i = pos[0];
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                i++;
                break;
            }
            if (c == '\\' && i + 1 < text.length()) {
                char n = text.charAt(i + 1);
                switch (n) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'u' -> {
                        if (json && i + 5 < text.length()) {
                            try {
                                sb.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
                                i += 4;
                            } catch (NumberFormatException e) {
                                sb.append('u');
                            }
                        } else {
                            sb.append('u');
                        }
                    }
                    default -> sb.append(n);
                }
                i += 2;
                continue;
            }
            if (c == '\n' && !json) {
                break;
            }
            sb.append(c);
            i++;
        }
        pos[0] = i;
        return sb.toString();
    }

    /**
     * A terror string ends where its quoted string or its line ends; inside JSON-escaped text a line ends at an
     * escaped line break ({@code \n}), as in OpenAPI's {@code error_msg}, one error per line.
     */
    private static int terrorEnd(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == '"' && text.charAt(i - 1) != '\\'
                    || c == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == 'n' || text.charAt(i + 1) == 'r')) {
                return i;
            }
        }
        return text.length();
    }

    private static boolean inside(List<int[]> spans, int at) {
        return spans.stream().anyMatch(s -> at >= s[0] && at < s[1]);
    }

    private static Unit unitNamedIn(String text) {
        Matcher m = UNIT.matcher(text);
        if (!m.find()) {
            return Unit.UNKNOWN;
        }
        String name = (m.group(1) != null ? m.group(1) : m.group(2)).toLowerCase(Locale.ROOT);
        return switch (name) {
            case "sync" -> Unit.SYNC;
            case "relay" -> Unit.RELAY;
            case "dump" -> Unit.DUMP;
            case "load" -> Unit.LOAD;
            default -> Unit.CHECK;
        };
    }

    /** One level of JSON string escaping undone (a reply quoted inside a log line or a JSON string). */
    static String unescapeJson(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char n = text.charAt(i + 1);
                switch (n) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case '/' -> sb.append('/');
                    default -> sb.append(c).append(n);
                }
                i++;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
