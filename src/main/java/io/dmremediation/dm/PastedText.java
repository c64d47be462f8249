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

/** {@link DmStatusJson#parseAny}: recognises what was pasted and reads it. */
final class PastedText {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");
    private static final Pattern JSON_START = Pattern.compile("(?m)^[ \\t]*\\{");
    // one line of a ProcessError as dmctl prints it: "ErrCode": 10006,
    private static final Pattern KEY_LINE = Pattern.compile("^\"[A-Za-z]+\"\\s*:.*");

    private PastedText() {
    }

    static DmSnapshot parse(String raw) {
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
            return json(JsonTree.parseFirstValue(text.substring(json.end() - 1), "input"));
        }
        if (JsonTree.isJsonScalarOrArray(text)) {
            throw new DmBadReplyException("input is JSON but not an object: not DM output");
        }
        return lines(text);
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

    private static DmSnapshot lines(String text) {
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
        for (String line : meaningful) {
            if (KEY_LINE.matcher(line).matches()) {
                fragment.add(line);
                continue;
            }
            flush(fragment, out);
            out.addAll(oneError(DmErrorText.parse(line)));
        }
        flush(fragment, out);
        return out.build();
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
        JsonNode obj = JsonTree.parseObject("{" + body + "}", "pasted ProcessError fragment");
        out.addAll(oneError(QueryStatusJson.processError(obj, "fragment")));
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
