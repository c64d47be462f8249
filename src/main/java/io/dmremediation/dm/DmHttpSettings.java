package io.dmremediation.dm;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits for every call to one DM-master: how long to wait for a connection, how long for a whole answer, and how
 * large an answer may be. Defaults: 3 s, 10 s, 8 MiB. For https, {@code sslContext} says which CA to trust and which
 * client certificate to present (null: the JVM's trust store, no client certificate); the host name is always
 * verified.
 */
public record DmHttpSettings(Duration connectTimeout, Duration requestTimeout, int maxReplyBytes,
                             javax.net.ssl.SSLContext sslContext) {

    public static final DmHttpSettings DEFAULTS =
            new DmHttpSettings(Duration.ofSeconds(3), Duration.ofSeconds(10), 8 * 1024 * 1024, null);

    public DmHttpSettings(Duration connectTimeout, Duration requestTimeout, int maxReplyBytes) {
        this(connectTimeout, requestTimeout, maxReplyBytes, null);
    }

    public DmHttpSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()
                || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("DM-master timeouts must be positive");
        }
        if (maxReplyBytes <= 0) {
            throw new IllegalArgumentException("maxReplyBytes must be positive");
        }
    }

    public DmHttpSettings withConnectTimeout(Duration d) {
        return new DmHttpSettings(d, requestTimeout, maxReplyBytes, sslContext);
    }

    public DmHttpSettings withRequestTimeout(Duration d) {
        return new DmHttpSettings(connectTimeout, d, maxReplyBytes, sslContext);
    }

    public DmHttpSettings withMaxReplyBytes(int bytes) {
        return new DmHttpSettings(connectTimeout, requestTimeout, bytes, sslContext);
    }

    /** TLS with this context: its trust managers decide the CA, its key managers the client certificate. */
    public DmHttpSettings withSslContext(javax.net.ssl.SSLContext context) {
        return new DmHttpSettings(connectTimeout, requestTimeout, maxReplyBytes, context);
    }
}
