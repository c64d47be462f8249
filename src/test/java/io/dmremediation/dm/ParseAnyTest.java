package io.dmremediation.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dmremediation.domain.DmError;
import io.dmremediation.domain.DmSnapshot;
import io.dmremediation.domain.Stage;
import io.dmremediation.domain.Subtask;
import org.junit.jupiter.api.Test;

/** {@link DmStatusJson#parseAny}: what an engineer on call pastes into {@code diagnose}. */
class ParseAnyTest {

    @Test
    void anOpenApiTaskStatus() {
        String reply = OpenApiShapesTest.status(OpenApiShapesTest.subTaskStatus("Paused", "Sync",
                "\"[code=10006:class=database:scope=not-set:level=high], Message: execute statement failed: begin, "
                        + "RawCause: invalid connection.\\n\""));

        DmSnapshot s = DmStatusJson.parseAny(reply);

        assertThat(s).isEqualTo(DmStatusJson.parseOpenApiTaskStatus(reply));
        assertThat(s.subtasks().get(0).errors().get(0).rawCause()).isEqualTo("invalid connection");
    }

    @Test
    void aBareProcessErrorObject() {
        String pasted = QueryStatusShapesTest.processError(10006, "database", "not-set",
                "execute statement failed: commit", "driver: bad connection").toPrettyString();

        Subtask t = DmStatusJson.parseAny(pasted).subtasks().get(0);

        assertThat(t.task()).isNull();
        assertThat(t.stage()).isEqualTo(Stage.UNKNOWN);
        assertThat(t.errors()).containsExactly(new DmError(10006, "database", "not-set", "high",
                "execute statement failed: commit", "driver: bad connection", ""));
    }

    @Test
    void errorLinesWithWindowsLineEndsAndComments() {
        String pasted = "# from the worker log\r\n"
                + "[code=10006:class=database:scope=not-set:level=high], Message: execute statement failed: begin, RawCause: invalid connection\r\n"
                + "\r\n"
                + "   driver: bad connection   \r\n";

        DmSnapshot s = DmStatusJson.parseAny(pasted);

        assertThat(s.subtasks()).hasSize(2);
        assertThat(s.subtasks().get(0).errors().get(0).code()).isEqualTo(10006);
        assertThat(s.subtasks().get(1).errors().get(0)).isEqualTo(DmError.ofText("driver: bad connection"));
        assertThat(s.subtasksOf(null)).hasSize(2);
    }

    @Test
    void anOpenApiErrorReplyIsDmSayingNo() {
        // terrorHTTPErrorHandler (dm/master/openapi_view.go:958-975): 400 {"error_msg", "error_code"}
        String pasted = "{\"error_msg\": \"[code=46018:class=scheduler:scope=internal:level=medium], Message: task "
                + "with name orders not exist, Workaround: Please use `query-status` command to see tasks.\", "
                + "\"error_code\": 46018}";

        assertThatThrownBy(() -> DmStatusJson.parseAny(pasted)).isInstanceOfSatisfying(DmErrorReplyException.class, e -> {
            assertThat(e.code()).isEqualTo(46018);
            assertThat(e.isTaskNotFound()).isTrue();
        });
    }

    @Test
    void aQueryStatusErrorReplyIsDmSayingNo() {
        assertThatThrownBy(() -> DmStatusJson.parseAny("{\"result\": false, \"msg\": \"task x has no source or not "
                + "exist, please check the task name and status\", \"sources\": []}"))
                .isInstanceOf(DmErrorReplyException.class);
    }

    @Test
    void textAfterTheJsonIsIgnored() {
        String pasted = Samples.read(Samples.RUNNING) + "\nroot@dm-master-0:/# ";
        assertThat(DmStatusJson.parseAny(pasted)).isEqualTo(DmStatusJson.parseQueryStatus(Samples.read(Samples.RUNNING)));
    }

    @Test
    void jsonThatIsNotDmsIsRefusedWithOneLine() {
        assertThatThrownBy(() -> DmStatusJson.parseAny("{\"kind\": \"Pod\", \"apiVersion\": \"v1\"}"))
                .isInstanceOf(DmBadReplyException.class)
                .hasMessageNotContaining("\n")
                .hasMessageContaining("not a DM");
    }

    @Test
    void onlyCommentsIsRefused() {
        assertThatThrownBy(() -> DmStatusJson.parseAny("# nothing here\n\n# still nothing\n"))
                .isInstanceOf(DmBadReplyException.class).hasMessageContaining("only comments");
    }
}
