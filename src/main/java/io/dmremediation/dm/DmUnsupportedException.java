package io.dmremediation.dm;

/** This DM-master offers no way to do it, e.g. relay control or listing tasks without {@code openapi = true}. */
public class DmUnsupportedException extends DmMasterException {

    public DmUnsupportedException(String message) {
        super(Kind.UNSUPPORTED, message, null);
    }
}
