package io.dmremediation.sandbox.dmmaster;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/** What an API handler answers: status, content type (null for no body) and body. */
record HttpReply(int status, String contentType, byte[] body) {

    static final String JSON = "application/json";
    static final String GIN_JSON = "application/json; charset=utf-8";
    static final String TEXT = "text/plain; charset=utf-8";

    static HttpReply json(int status, JsonNode node) {
        return new HttpReply(status, JSON, Json.bytes(node));
    }

    static HttpReply ginJson(int status, JsonNode node) {
        return new HttpReply(status, GIN_JSON, Json.bytes(node));
    }

    static HttpReply text(int status, String text) {
        return new HttpReply(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    static HttpReply empty(int status) {
        return new HttpReply(status, null, new byte[0]);
    }
}
