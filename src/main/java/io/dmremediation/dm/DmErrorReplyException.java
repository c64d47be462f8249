package io.dmremediation.dm;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * DM-master answered and refused: the gateway's {@code result: false} with {@code msg}, or OpenAPI's 400 with
 * {@code {"error_msg", "error_code"}}. {@link #code()} is DM's terror code (from {@code error_code}, or from the
 * {@code [code=…]} tag of the message), 0 when DM gave none.
 */
public class DmErrorReplyException extends DmMasterException {

    /** {@code ErrSchedulerSubTaskExist}: start-task on a task that still exists (dm-facts §4, §8). */
    public static final int CODE_SUBTASK_EXISTS = 46014;
    /** {@code ErrSchedulerTaskNotExist} "task with name %s not exist" (OpenAPI task routes). */
    public static final int CODE_TASK_NOT_EXIST = 46018;

    // "task %s has no source or not exist" (query-status, operate-task, v2.0+), "… has no workers or not exist"
    // (v1.0), "task not found" (GetCfg), "task with name %s not exist" (ErrSchedulerTaskNotExist, OpenAPI);
    // dm/master/server.go, dm/pkg/terror/error_list.go.
    private static final Pattern TASK_NOT_FOUND = Pattern.compile(
            "has no (source|workers) or not exist|\\btask not found\\b|task with name .* not exist");

    private final int code;
    private final String dmMessage;

    public DmErrorReplyException(int code, String dmMessage, String message) {
        super(Kind.ERROR_REPLY, message, null);
        this.code = code;
        this.dmMessage = dmMessage == null ? "" : dmMessage;
    }

    /** DM's terror code, or 0. */
    public int code() {
        return code;
    }

    /** DM's own message, on one line, with anything that looks like a password masked. */
    public String dmMessage() {
        return dmMessage;
    }

    /** start-task refused because the task still exists (46014): a start that already happened, not a failure. */
    public boolean isTaskAlreadyExists() {
        return code == CODE_SUBTASK_EXISTS
                || dmMessage.toLowerCase(Locale.ROOT).matches("(?s).*subtasks? with name .* already exist.*");
    }

    /** DM-master does not know the task (never started, or stopped). */
    public boolean isTaskNotFound() {
        return code == CODE_TASK_NOT_EXIST || TASK_NOT_FOUND.matcher(dmMessage).find();
    }
}
