package io.dmremediation.fixer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TomlSubsetTest {

    /** What DM's BurntSushi encoder writes for LocalMeta (dm-facts §7). */
    static final String DM_META = "binlog-name = \"mysql-bin.004451\"\nbinlog-pos = 2453\nbinlog-gtid = \"\"\n";

    @Test
    void parsesWhatDmWrites() throws Exception {
        TomlDocument doc = TomlSubset.parse(DM_META);
        assertThat(doc.values()).containsExactly(
                Map.entry("binlog-name", "mysql-bin.004451"),
                Map.entry("binlog-pos", 2453L),
                Map.entry("binlog-gtid", ""));
        assertThat(doc.render()).isEqualTo(DM_META);
    }

    @Test
    void changingAnIntegerRewritesOnlyItsValue() throws Exception {
        String text = "# written by DM\r\n\r\nbinlog-name = \"mysql-bin.004451\"  # the file\r\n"
                + "binlog-pos=123456789 # overflowed\r\nextra-flag = true\r\nbinlog-gtid = ''";
        TomlDocument doc = TomlSubset.parse(text).withInteger("binlog-pos", 4);
        assertThat(doc.render()).isEqualTo(text.replace("123456789", "4"));
        assertThat(doc.values()).containsExactly(
                Map.entry("binlog-name", "mysql-bin.004451"),
                Map.entry("binlog-pos", 4L),
                Map.entry("extra-flag", true),
                Map.entry("binlog-gtid", ""));
    }

    @Test
    void decodesBasicStringEscapesAndKeepsLiteralStringsLiteral() throws Exception {
        TomlDocument doc = TomlSubset.parse("a = \"q\\\"b\\\\s\\tt\\u00e9\\U0001F600\"\nb = 'C:\\no\\escape'\n"
                + "c = -12\nd = +7\ne = 1_000\nf = 0\n");
        assertThat(doc.values()).containsExactly(
                Map.entry("a", "q\"b\\s\tt\u00e9\uD83D\uDE00"),
                Map.entry("b", "C:\\no\\escape"),
                Map.entry("c", -12L),
                Map.entry("d", 7L),
                Map.entry("e", 1000L),
                Map.entry("f", 0L));
    }

    @Test
    void anEmptyFileHasNoKeys() throws Exception {
        assertThat(TomlSubset.parse("").values()).isEmpty();
        assertThat(TomlSubset.parse("\n# only a comment\n").values()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[relay]\nbinlog-pos = 4\n",
        "binlog-pos = [4]\n",
        "binlog-pos = 4.5\n",
        "binlog-pos = 1e3\n",
        "binlog-pos = 0x10\n",
        "binlog-pos = 007\n",
        "binlog-pos = 1__0\n",
        "binlog-pos = 99999999999999999999\n",
        "binlog-pos = 4 5\n",
        "binlog-pos = 4\nbinlog-pos = 5\n",
        "binlog-name = \"unterminated\n",
        "binlog-name = \"\"\"multi\"\"\"\n",
        "binlog-name = \"bad \\q escape\"\n",
        "binlog-name = \"\\u12\"\n",
        "binlog-name = \"\\uD800\"\n",
        "binlog-name = \"tab\u0001ctl\"\n",
        "binlog-name\n",
        "= 4\n",
        "\"quoted\" = 4\n",
        "a.b = 4\n",
        "binlog-pos = \n",
        "binlog-pos = { a = 1 }\n",
        "binlog-pos = 1979-05-27\n",
        "binlog-pos = truex\n",
        "garbage garbage garbage\n",
        "\uFEFFbinlog-pos = 4\n"
    })
    void refusesEverythingOutsideTheSubset(String text) {
        assertThatThrownBy(() -> TomlSubset.parse(text)).isInstanceOf(TomlSubset.ParseException.class)
                .hasMessageContaining(text.startsWith("\uFEFF") ? "byte-order" : "line");
    }

    @Test
    void refusesInvalidUtf8() {
        byte[] bytes = "binlog-name = \"x\"\n".getBytes(StandardCharsets.UTF_8);
        bytes[15] = (byte) 0xC3;
        assertThatThrownBy(() -> TomlSubset.parse(bytes)).isInstanceOf(TomlSubset.ParseException.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void relayMetaNeedsDmsKeysWithDmsTypes() throws Exception {
        assertThat(RelayMeta.of(TomlSubset.parse(DM_META)).binlogPos()).isEqualTo(2453);
        assertThat(RelayMeta.of(TomlSubset.parse("binlog-name = \"f.000001\"\nbinlog-pos = 4\n")).binlogGtid())
                .isEmpty();
        for (String bad : new String[] {"binlog-pos = 4\n", "binlog-name = \"f.000001\"\n",
            "binlog-name = 5\nbinlog-pos = 4\n", "binlog-name = \"f.000001\"\nbinlog-pos = \"4\"\n",
            "binlog-name = \"f.000001\"\nbinlog-pos = -1\n", "binlog-name = \"f.000001\"\nbinlog-pos = 4294967296\n",
            "binlog-name = \"f.000001\"\nbinlog-pos = 4\nbinlog-gtid = 3\n", "binlog-name = \"\"\nbinlog-pos = 4\n"}) {
            assertThatThrownBy(() -> RelayMeta.of(TomlSubset.parse(bad))).as(bad)
                    .isInstanceOf(TomlSubset.ParseException.class);
        }
    }
}
