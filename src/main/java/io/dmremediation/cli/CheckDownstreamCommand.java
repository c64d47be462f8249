package io.dmremediation.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dmremediation.fixer.DownstreamSettings;
import io.dmremediation.fixer.Environment;
import io.dmremediation.fixer.InvalidFixRequestException;
import io.dmremediation.fixer.ReportFile;
import io.dmremediation.fixer.SqlErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/**
 * {@code check-downstream}: Job mode. Proves the downstream accepts the credentials of the user's Secret before the
 * operator stops a task: DM-master hides the password in the task config it returns, so the task is started again
 * with the Secret's password, and a wrong one must be found while the task still runs.
 */
public final class CheckDownstreamCommand implements Command {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Environment env;

    public CheckDownstreamCommand() {
        this(Environment.system());
    }

    public CheckDownstreamCommand(Environment env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "check-downstream";
    }

    @Override
    public String summary() {
        return "Job mode: prove the downstream accepts the Secret's credentials (before a task is stopped)";
    }

    @Override
    public String help() {
        return """
                Usage: check-downstream

                Connects to the downstream with DOWNSTREAM_HOST, DOWNSTREAM_PORT (default 4000), DOWNSTREAM_USER and
                DOWNSTREAM_PASSWORD from the environment and runs SELECT 1. Writes nothing.
                DMR_REPORT_FILE (optional): also write the one-line JSON result there.

                Exit codes: 0 the downstream accepts the credentials, 1 it does not (or cannot be reached), 2 usage.
                """;
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        Args parsed = Args.parse(args, Set.of(), Set.of());
        if (!parsed.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + parsed.positional().get(0) + "'");
        }
        DownstreamSettings downstream;
        try {
            downstream = DownstreamSettings.fromEnvironment(env);
        } catch (InvalidFixRequestException e) {
            return emit("refused", "usage: " + e.getMessage(), USAGE, out, err);
        }
        try (Connection c = downstream.connect(); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
        } catch (SQLException e) {
            return emit("refused", "the downstream at " + downstream.address() + " refuses the Secret's credentials"
                    + " or cannot be reached: " + SqlErrors.describe(e), FAILED, out, err);
        }
        return emit("checked", "the downstream at " + downstream.address() + " accepts user "
                + downstream.user(), OK, out, err);
    }

    private int emit(String result, String message, int code, PrintStream out, PrintStream err) {
        ObjectNode o = JSON.createObjectNode().put("result", result).put("message", message);
        out.println(o);
        if (code != OK) {
            err.println(name() + ": " + message);
        }
        env.get(ReportFile.VARIABLE).ifPresent(file -> {
            try {
                Files.writeString(Path.of(file), o.toString(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println(name() + ": could not write " + file + ": " + e.getMessage());
            }
        });
        return code;
    }
}
