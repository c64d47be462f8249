package io.dmremediation.domain;

/** A DM-worker member. {@code stage}: {@code bound}, {@code free}, {@code offline} or {@code relay}. */
public record Worker(String name, String address, String stage, String boundSource) {
}
