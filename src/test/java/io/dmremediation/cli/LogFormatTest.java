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
        assertThat(json.get("loggerName").asText()).isEqualTo("io.dmremediation.operator.RemediationCycle");
        assertThat(json.get("formattedMessage").asText())
                .isEqualTo("decision task=orders source=mysql-01 class=bad-connection Act");
    }
}
