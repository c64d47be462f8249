package io.dmremediation.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

/**
 * Undoes {@link OperatorCommand#configureLogging}: the tests of one JVM share logback, and a later test that
 * reads the operator's log lines must not get the production configuration a command test left behind.
 */
final class TestLogging {

    private TestLogging() {
    }

    static void restore() {
        System.clearProperty("LOG_LEVEL");
        System.clearProperty("LOG_FORMAT");
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        try {
            new ContextInitializer(ctx).autoConfig();
        } catch (JoranException e) {
            throw new IllegalStateException("cannot restore the test logging configuration", e);
        }
    }
}
