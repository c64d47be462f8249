package io.dmremediation.sandbox.dmmaster;

import java.time.Instant;

/**
 * A request the simulator received, for tests to assert on. Passwords in the body (task YAML, JSON) are
 * replaced with {@code ******} before it is recorded.
 */
public record RecordedRequest(String method, String path, String query, String body, Instant time) {
}
