package io.dmremediation.dm;

import com.fasterxml.jackson.databind.JsonNode;
import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import io.dmremediation.domain.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link DmStatusJson#readPasted}: recognises what was pasted and reads it. Whole DM output is read strictly; a
 * start-task/resume-task reply gives the errors its sources report; input that is not whole DM output (cut off, a
 * log line, a reply quoted in something else) gives the DM errors found in it ({@link PastedErrors}), marked as
 * recovered, and is refused only when none is there.
 */
final class PastedText {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");
    private static final Pattern JSON_START = Pattern.compile("(?m)^[ \\t]*\\{");
    // one line of a ProcessError as dmctl prints it: "ErrCode": 10006,
    private static final Pattern KEY_LINE = Pattern.compile("^\"[A-Za-z]+\"\\s*:.*");

    private PastedText() {
    }

    static Pasted read(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new DmBadReplyException("input is empty: paste DM's query-status output or error lines");
        }
        JsonTree.checkSize(raw, "input");
        String text = ANSI.matcher(raw).replaceAll("");
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (looksBinary(text)) {
            throw new DmBadReplyException("input is binary data, not DM output");
        }
        Matcher json = JSON_START.matcher(text);
        if (json.find()) {
            JsonNode root;
            try {
                root = JsonTree.parseFirstValue(text.substring(json.end() - 1), "input");
            } catch (DmBadReplyException e) {
                // cut off, or JSON with text in it: the errors it holds are still worth reading
                return recovered(text, e);
            }
            if (isOperationReply(root)) {
                return operationReply(root);
            }
            try {
                return new Pasted(json(root), false);
            } catch (DmBadReplyException e) {
                // JSON, but not DM's shape as a whole (a part of a reply, a log record): the errors in it
                return recovered(text, e);
            }
        }
        if (JsonTree.isJsonScalarOrArray(text)) {
            return recovered(text, new DmBadReplyException("input is JSON but not an object: not DM output"));
        }
        return lines(text);
    }

    /** The DM errors found in the text, or the refusal when there is none. */
    private static Pasted recovered(String text, DmMasterException refusal) {
        List<PastedErrors.Found> found = PastedErrors.in(text);
        if (found.isEmpty()) {
            throw refusal;
        }
        SnapshotBuilder out = new SnapshotBuilder();
        found.forEach(f -> out.add(subtask(null, null, f.unit(), f.error())));
        return new Pasted(out.build(), true);
    }

    /**
     * start-task / resume-task / pause-task replies ({@code StartTaskResponse}, {@code OperateTaskResponse}): an array
     * {@code sources} of {@code {result, msg, source, worker}}, or {@code checkResult}, or {@code op}.
     */
    private static boolean isOperationReply(JsonNode root) {
        if (!root.isObject() || !root.has("result")) {
            return false;
        }
        if (root.has("checkResult") || root.has("op")) {
            return true;
        }
        // one source's entry of such a reply ({@code CommonWorkerResponse}), as people copy it out
        if (root.has("msg") && root.has("source") && !root.has("sourceStatus") && !root.has("sources")) {
            return true;
        }
        JsonNode sources = root.get("sources");
        return sources != null && sources.isArray() && !sources.isEmpty() && sources.get(0).isObject()
                && !sources.get(0).has("sourceStatus") && sources.get(0).has("msg");
    }

    /**
     * The errors of an operation reply: each source's {@code msg} (38032 wrapping the subtask's errors in proto text
     * form, dm-facts §1.2), the top {@code msg} and the precheck's {@code checkResult}. A reply without any is
     * success (nothing to report) or, with {@code result: false}, DM saying no.
     */
    private static Pasted operationReply(JsonNode root) {
        SnapshotBuilder out = new SnapshotBuilder();
        int count = 0;
        JsonNode sources = root.has("sources") ? root.get("sources")
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(root);
        if (sources != null && sources.isArray()) {
            for (JsonNode s : sources) {
                String msg = s.path("msg").asText("");
                for (PastedErrors.Found f : PastedErrors.in(msg)) {
                    out.add(subtask(DmStatusJson.nullIfEmpty(s.path("source").asText("")),
                            DmStatusJson.nullIfEmpty(s.path("worker").asText("")), f.unit(), f.error()));
                    count++;
                }
            }
        }
        for (String field : root.has("sources") ? List.of("msg", "checkResult") : List.of("checkResult")) {
            for (PastedErrors.Found f : PastedErrors.in(root.path(field).asText(""))) {
                out.add(subtask(null, null, f.unit(), f.error()));
                count++;
            }
        }
        if (count == 0 && !root.path("result").asBoolean(false)) {
            String msg = root.path("msg").asText("");
            throw DmStatusJson.errorReply(msg.isBlank() ? root.path("checkResult").asText("") : msg);
        }
        return new Pasted(out.build(), false);
    }

    private static Subtask subtask(String source, String worker, Unit unit, DmError error) {
        return new Subtask(null, source, worker, Stage.UNKNOWN, unit, false, List.of(error), null);
    }

    private static DmSnapshot json(JsonNode root) {
        if (!root.isObject()) {
            throw new DmBadReplyException("input is JSON but not an object");
        }
        if (root.has("ErrCode")) {
            return oneError(QueryStatusJson.processError(root, "input"));
        }
        if (root.has("result")) {
            return QueryStatusJson.parse(root);
        }
        if (root.has("data")) {
            List<JsonNode> data = JsonTree.requiredArray(root, "data", "input");
            if (data.isEmpty()) {
                return DmSnapshot.EMPTY;
            }
            if (data.get(0).has("source_name")) {
                return OpenApiJson.taskStatus(root);
            }
            SnapshotBuilder out = new SnapshotBuilder();
            OpenApiJson.taskListByTask(root).values().forEach(out::addAll);
            return out.build();
        }
        if (root.has("error_msg")) {
            // an OpenAPI error reply (openapi_view.go:958-975): DM said no, as the gateway's result: false does
            String msg = JsonTree.string(root, "error_msg", "input");
            int code = (int) JsonTree.int64(root, "error_code", "input");
            String text = SafeText.oneLine(msg);
            throw new DmErrorReplyException(code, text, "DM-master replied with an error: " + text);
        }
        throw new DmBadReplyException("input is JSON, but not a DM query-status, OpenAPI status or ProcessError");
    }

    private static Pasted lines(String text) {
        List<String> meaningful = new ArrayList<>();
        for (String line : text.split("\\r?\\n|\\r")) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                meaningful.add(s);
            }
        }
        if (meaningful.isEmpty()) {
            throw new DmBadReplyException("input holds only comments, no DM output");
        }
        if (meaningful.get(0).startsWith("<")) {
            throw new DmBadReplyException("input looks like an HTML/XML page, not DM output");
        }
        SnapshotBuilder out = new SnapshotBuilder();
        List<String> fragment = new ArrayList<>();
        boolean recovered = false;
        for (String line : meaningful) {
            if (KEY_LINE.matcher(line).matches()) {
                fragment.add(line);
                continue;
            }
            // key lines without their braces are a ProcessError cut out of a reply: read, but recovered
            recovered |= !fragment.isEmpty();
            flush(fragment, out);
            List<PastedErrors.Found> inside = line.startsWith("[code=") ? List.of() : PastedErrors.in(line);
            if (!inside.isEmpty()) {
                // a log line (or anything else) quoting DM's errors: those errors, not the whole line
                inside.forEach(f -> out.add(subtask(null, null, f.unit(), f.error())));
                recovered = true;
            } else {
                out.addAll(oneError(DmErrorText.parse(line)));
            }
        }
        recovered |= !fragment.isEmpty();
        flush(fragment, out);
        return new Pasted(out.build(), recovered);
    }

    /** Consecutive {@code "Key": value,} lines are one ProcessError with its braces cut off. */
    private static void flush(List<String> fragment, SnapshotBuilder out) {
        if (fragment.isEmpty()) {
            return;
        }
        String body = String.join("\n", fragment).strip();
        if (body.endsWith(",")) {
            body = body.substring(0, body.length() - 1);
        }
        try {
            JsonNode obj = JsonTree.parseObject("{" + body + "}", "pasted ProcessError fragment");
            out.addAll(oneError(QueryStatusJson.processError(obj, "fragment")));
        } catch (DmBadReplyException e) {
            // a fragment cut off mid-way: what it holds
            List<PastedErrors.Found> found = PastedErrors.in(body);
            if (found.isEmpty()) {
                throw e;
            }
            found.forEach(f -> out.add(subtask(null, null, f.unit(), f.error())));
        }
        fragment.clear();
    }

    private static DmSnapshot oneError(DmError error) {
        return new SnapshotBuilder()
                .add(new Subtask(null, null, null, Stage.UNKNOWN, Unit.UNKNOWN, false, List.of(error), null))
                .build();
    }

    private static boolean looksBinary(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7F || c == '\uFFFD') {
                return true;
            }
        }
        return false;
    }
}
