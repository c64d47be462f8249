package io.dmremediation.fixer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dmremediation.cli.Command;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One run of a command through the {@link Command} interface: exit code, stdout, stderr, stdout parsed as JSON. */
record CommandRun(int exitCode, String stdout, String stderr) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static CommandRun of(Command command, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = command.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** stdout must be exactly one JSON document on one line. */
    JsonNode json() {
        try {
            String trimmed = stdout.strip();
            if (trimmed.contains("\n")) {
                throw new AssertionError("stdout is more than one line: " + stdout);
            }
            return MAPPER.readTree(trimmed);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("stdout is not JSON: " + stdout, e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
