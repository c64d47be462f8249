package io.dmremediation.dm;

/**
 * A reply over a size bound: this client's ({@link DmHttpSettings#maxReplyBytes()}), or DM's own gRPC message bound
 * that its gateway and its DM-worker clients hit first (see {@link ClusterStatus}). A caller that can ask for less at
 * a time (one source, one task) does so; everyone else sees a bad reply.
 */
public class DmReplyTooLargeException extends DmBadReplyException {

    public DmReplyTooLargeException(String message) {
        super(message);
    }
}
