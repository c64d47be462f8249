package io.dmremediation.dm;

/**
 * The reply (or the pasted text) is not what DM sends: not JSON, truncated, wrong types, missing parts, too large.
 * Never carries the text itself, which may hold a password.
 */
public class DmBadReplyException extends DmMasterException {

    public DmBadReplyException(String message) {
        super(Kind.BAD_REPLY, message, null);
    }
}
