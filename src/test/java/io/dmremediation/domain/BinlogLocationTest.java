package io.dmremediation.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BinlogLocationTest {

    @Test
    void parsesDmsText() {
        assertThat(BinlogLocation.parse("(mysql-bin.000003, 5001)")).contains(new BinlogLocation("mysql-bin.000003", 5001));
        assertThat(BinlogLocation.parse(" ( mysql-bin|000001.000003 ,4 ) ")).hasValueSatisfying(l -> {
            assertThat(l.file()).isEqualTo("mysql-bin|000001.000003");
            assertThat(l.plainFile()).isEqualTo("mysql-bin.000003");
            assertThat(l.pos()).isEqualTo(4);
        });
    }

    @Test
    void garbageIsEmpty() {
        for (String t : new String[] {null, "", "()", "(,)", "(a, -5)", "(a, 5", "a, 5)", "(a, b)", "(a, 1, 2)",
                "((a), 1)", "(a, 99999999999999999999)", "(a, \u0661)", "(" + " ".repeat(5000) + ")"}) {
            assertThat(BinlogLocation.parse(t)).as(String.valueOf(t)).isEmpty();
        }
    }
}
