package io.dmremediation.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per log line, for log collectors: {@code timestamp} (ISO-8601, UTC, milliseconds), {@code level},
 * {@code logger}, {@code thread}, {@code message}, the fields {@code task}, {@code source}, {@code errorClass} and
 * {@code playbook} when the line is about one, every MDC entry (JOSDK puts the resource's name and namespace there
 * during a reconcile) and SLF4J key-value pair, and {@code exception} with its stack trace.
 *
 * <p>The four fields come from a key-value pair or the MDC when the code gives them, else from the message's own
 * {@code task=… source=… class=… playbook=…} words, which every decision and step line of the operator carries: the
 * fields stay right whatever the code that logs does.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;
    /** message word → field name */
    private static final Map<String, String> FIELDS = Map.of("task", "task", "source", "source", "class", "errorClass",
            "errorClass", "errorClass", "playbook", "playbook");
    private static final Pattern WORD = Pattern.compile("(?<![\\w.-])(task|source|class|errorClass|playbook)=([^\\s,;]+)");

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timestamp", ISO.format(Instant.ofEpochMilli(event.getTimeStamp()).truncatedTo(ChronoUnit.MILLIS)));
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            String message = event.getFormattedMessage();
            g.writeStringField("message", message);
            Map<String, String> fields = fields(event, message);
            for (Map.Entry<String, String> f : fields.entrySet()) {
                g.writeStringField(f.getKey(), f.getValue());
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                g.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** The extra fields in the order: task, source, errorClass, playbook, then MDC and key-value pairs. */
    static Map<String, String> fields(ILoggingEvent event, String message) {
        Map<String, String> given = new LinkedHashMap<>();
        if (event.getMDCPropertyMap() != null) {
            given.putAll(event.getMDCPropertyMap());
        }
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair kv : event.getKeyValuePairs()) {
                given.put(kv.key, String.valueOf(kv.value));
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> fromMessage = new LinkedHashMap<>();
        if (message != null) {
            Matcher m = WORD.matcher(message);
            while (m.find()) {
                fromMessage.putIfAbsent(FIELDS.get(m.group(1)), m.group(2));
            }
        }
        for (String field : new String[] {"task", "source", "errorClass", "playbook"}) {
            String v = given.containsKey(field) ? given.remove(field) : fromMessage.get(field);
            if (v != null) {
                out.put(field, v);
            }
        }
        given.forEach(out::putIfAbsent);
        return out;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
