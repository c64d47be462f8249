package io.dmremediation.fixer;

import java.sql.SQLException;

/** SQL errors for reports: the server's message with its codes. Connector/J never puts the password in them. */
public final class SqlErrors {

    private SqlErrors() {
    }

    public static String describe(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // Connector/J's communications errors carry a multi-line explanation; the first line says it
        int newline = message.indexOf('\n');
        if (newline > 0) {
            message = message.substring(0, newline).trim();
        }
        StringBuilder b = new StringBuilder(message);
        if (e.getErrorCode() != 0 || e.getSQLState() != null) {
            b.append(" (error ").append(e.getErrorCode());
            if (e.getSQLState() != null) {
                b.append(", SQLState ").append(e.getSQLState());
            }
            b.append(')');
        }
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            b.append(": ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return b.toString();
    }
}
