package io.dmremediation.fixer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where and as whom to connect to the downstream (TiDB). Credentials come only from the environment, which a Job
 * maps from the user's Secret by reference: never from arguments, which show up in pod specs and process lists.
 * {@link #toString()} never shows the password.
 */
public record DownstreamSettings(String host, int port, String user, String password, Duration connectTimeout,
                                 Duration socketTimeout, DownstreamTls tls) {

    public static final String HOST_VAR = "DOWNSTREAM_HOST";
    public static final String PORT_VAR = "DOWNSTREAM_PORT";
    public static final String USER_VAR = "DOWNSTREAM_USER";
    public static final String PASSWORD_VAR = "DOWNSTREAM_PASSWORD";
    public static final int DEFAULT_PORT = 4000;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Long enough for a backup and rewrite of many thousand rows, short enough that a hung server fails the Job. */
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(60);

    // a host name or IPv4 address, or an IPv6 address in brackets: nothing that could add URL parameters
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}]");

    public DownstreamSettings(String host, int port, String user, String password, Duration connectTimeout,
                              Duration socketTimeout) {
        this(host, port, user, password, connectTimeout, socketTimeout, DownstreamTls.NONE);
    }

    public DownstreamSettings {
        tls = tls == null ? DownstreamTls.NONE : tls;
        if (host == null || !HOST.matcher(host).matches()) {
            throw new InvalidFixRequestException(HOST_VAR + " is not a host name or IP address");
        }
        if (port < 1 || port > 65535) {
            throw new InvalidFixRequestException(PORT_VAR + " " + port + " is not a TCP port");
        }
        if (user == null || user.isEmpty()) {
            throw new InvalidFixRequestException(USER_VAR + " is empty");
        }
        if (password == null) {
            throw new InvalidFixRequestException(PASSWORD_VAR + " is not set");
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()
                || socketTimeout == null || socketTimeout.isNegative() || socketTimeout.isZero()) {
            throw new InvalidFixRequestException("timeouts must be positive");
        }
    }

    /**
     * From {@code DOWNSTREAM_HOST}, {@code DOWNSTREAM_PORT} (default 4000), {@code DOWNSTREAM_USER},
     * {@code DOWNSTREAM_PASSWORD} (may be empty, must be set). Host and port are trimmed (a Secret created from a file
     * often ends in a newline); user and password are taken as they are.
     */
    public static DownstreamSettings fromEnvironment(Environment env) {
        String host = env.get(HOST_VAR).map(String::trim).filter(s -> !s.isEmpty())
                .orElseThrow(() -> missing(HOST_VAR));
        String portText = env.get(PORT_VAR).map(String::trim).filter(s -> !s.isEmpty())
                .orElse(String.valueOf(DEFAULT_PORT));
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new InvalidFixRequestException(PORT_VAR + " " + Identifiers.printable(portText)
                    + " is not a TCP port");
        }
        String user = env.get(USER_VAR).filter(s -> !s.isEmpty()).orElseThrow(() -> missing(USER_VAR));
        String password = env.get(PASSWORD_VAR).orElseThrow(() -> missing(PASSWORD_VAR));
        return new DownstreamSettings(host, port, user, password, DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT,
                DownstreamTls.fromEnvironment(env));
    }

    public DownstreamSettings withTimeouts(Duration connect, Duration socket) {
        return new DownstreamSettings(host, port, user, password, connect, socket, tls);
    }

    public DownstreamSettings withTls(DownstreamTls t) {
        return new DownstreamSettings(host, port, user, password, connectTimeout, socketTimeout, t);
    }

    /** Opens a Connector/J connection with connect and socket timeouts; user and password go in properties, never the URL. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", String.valueOf(connectTimeout.toMillis()));
        props.setProperty("socketTimeout", String.valueOf(socketTimeout.toMillis()));
        // a fixer that fails should fail now with the server's message, not after hidden retries
        props.setProperty("autoReconnect", "false");
        props.setProperty("allowMultiQueries", "false");
        props.setProperty("allowLoadLocalInfile", "false");
        try (DownstreamTls.Files2 written = new DownstreamTls.Files2()) {
            tls.apply(props, Path.of(System.getProperty("java.io.tmpdir")), written);
            return DriverManager.getConnection("jdbc:mysql://" + host + ":" + port + "/", props);
        } catch (SQLException e) {
            if (tls.required() && io.dmremediation.tls.TlsErrors.isTls(e)) {
                // the driver's "Communications link failure" hides which certificate is wrong
                throw new SQLException("TLS with the downstream at " + address() + " failed: "
                        + io.dmremediation.tls.TlsErrors.explain(e, "the downstream"), e.getSQLState(), e.getErrorCode(), e);
            }
            throw e;
        }
    }

    /** Host and port only, for messages. */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "DownstreamSettings[" + address() + ", user=" + user + ", password=<redacted>, " + tls + "]";
    }

    private static InvalidFixRequestException missing(String variable) {
        return new InvalidFixRequestException("environment variable " + variable + " is not set (a Job maps it from"
                + " the downstream Secret; credentials are never taken from arguments)");
    }
}
