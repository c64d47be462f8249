package io.dmremediation.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The production logging config: JSON lines when asked, the level from the flag, libraries kept quiet. */
class LogFormatTest {

    @Test
    void fieldsComeFromTheMdcAndKeyValuePairsBeforeTheMessageAndExceptionsAreKept() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            OperatorCommand.configureLogging("INFO", "JSON");
            org.slf4j.MDC.put("resource.name", "orders-guard");
            LoggerFactory.getLogger("io.dmremediation.operator.RemediationCycle").atWarn()
                    .addKeyValue("playbook", "FixSyncerCheckpoint").addKeyValue("task", "from-kv")
                    .setCause(new IllegalStateException("boom"))
                    .log("remediation finished id=1 task=orders source=mysql-02 class=syncer-binlog-overflow "
                            + "playbook=Ignored outcome=Failed detail=\"quoted\" text");
        } finally {
            org.slf4j.MDC.clear();
            System.setOut(original);
            TestLogging.restore();
        }
        JsonNode json = new ObjectMapper().readTree(captured.toString(StandardCharsets.UTF_8).strip());
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("task").asText()).as("a key-value pair wins over the message").isEqualTo("from-kv");
        assertThat(json.get("playbook").asText()).isEqualTo("FixSyncerCheckpoint");
        assertThat(json.get("source").asText()).isEqualTo("mysql-02");
        assertThat(json.get("errorClass").asText()).isEqualTo("syncer-binlog-overflow");
        assertThat(json.get("resource.name").asText()).isEqualTo("orders-guard");
        assertThat(json.get("exception").asText()).contains("IllegalStateException: boom");
        assertThat(json.get("message").asText()).endsWith("detail=\"quoted\" text");
    }

    @Test
    void jsonFormatWritesOneJsonObjectPerLine() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            OperatorCommand.configureLogging("INFO", "JSON");
            LoggerFactory.getLogger("io.dmremediation.operator.RemediationCycle")
                    .info("decision task={} source={} class={} {}", "orders", "mysql-01", "bad-connection", "Act");
            LoggerFactory.getLogger("io.dmremediation.operator.RemediationCycle").debug("not at INFO");
        } finally {
            System.setOut(original);
            TestLogging.restore();
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(lines[0]);
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("logger").asText()).isEqualTo("io.dmremediation.operator.RemediationCycle");
        assertThat(json.get("message").asText())
                .isEqualTo("decision task=orders source=mysql-01 class=bad-connection Act");
        // ISO-8601 in UTC, and the line's subject as fields a log collector can filter on
        assertThat(json.get("timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(java.time.Instant.parse(json.get("timestamp").asText())).isNotNull();
        assertThat(json.get("task").asText()).isEqualTo("orders");
        assertThat(json.get("source").asText()).isEqualTo("mysql-01");
        assertThat(json.get("errorClass").asText()).isEqualTo("bad-connection");
        assertThat(json.has("playbook")).isFalse();
    }
}
