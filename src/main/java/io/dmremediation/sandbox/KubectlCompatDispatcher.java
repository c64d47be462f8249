package io.dmremediation.sandbox;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/** Placeholder pass-through; the kubectl-facing answers (discovery, Table, events) are added for issue 5. */
final class KubectlCompatDispatcher extends Dispatcher {

    private final Dispatcher delegate;

    KubectlCompatDispatcher(Dispatcher delegate) {
        this.delegate = delegate;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        return delegate.dispatch(request);
    }
}
