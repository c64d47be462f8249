package io.dmremediation.dm;

/** Which of DM-master's HTTP APIs answered the status poll. */
public enum DmApi {
    /** The legacy grpc-gateway {@code /apis/v1alpha1}, always on since DM 2.0. */
    GATEWAY,
    /** The OpenAPI {@code /api/v1}, on only with DM-master's {@code openapi = true}. */
    OPENAPI
}
