package io.dmremediation.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dmremediation.dm.DmStatusJson;
import io.dmremediation.dm.Samples;
import io.dmremediation.domain.BinlogLocation;
import io.dmremediation.domain.DmSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of every DM parser (gateway/dmctl query-status, OpenAPI task status and task list, parseAny,
 * members, workers, source status) from every real sample and the built shapes, with the oracles of
 * {@link Harness}. A failure message names the target, the seed, the case, the mutation and the input (shortened);
 * {@code new Mutator(seed)} replays the same sequence.
 */
class ParserFuzzTest {

    /** Generous: a case takes well under a millisecond; only a hang (quadratic or worse) gets near it. */
    static final long BUDGET_MS = 3_000;

    @Test
    void textMutationsOfEverySeed() {
        long seed = 0xD11A_0001L;
        Mutator m = new Mutator(seed);
        Map<String, String> seeds = Seeds.all();
        try (Harness h = new Harness("text mutations", seed, BUDGET_MS)) {
            int n = 0;
            for (int round = 0; round < 200; round++) {
                for (Map.Entry<String, String> s : seeds.entrySet()) {
                    Mutator.Mutant mutant = m.textual(s.getValue());
                    h.check(n++, s.getKey() + ": " + mutant.description(), mutant.text());
                }
            }
            assertThat(h.failures()).as(h.report()).isEmpty();
            // the run exercised both outcomes, so the oracles were not vacuous
            assertThat(h.cases()).isGreaterThan(15_000);
            assertThat(h.typedErrors()).isGreaterThan(1_000);
            assertThat(h.snapshots()).isGreaterThan(100);
        }
    }

    @Test
    void structureMutationsOfEveryJsonSeed() {
        long seed = 0xD11A_0002L;
        Mutator m = new Mutator(seed);
        try (Harness h = new Harness("structure mutations", seed, BUDGET_MS)) {
            int n = 0;
            for (int round = 0; round < 200; round++) {
                for (Map.Entry<String, String> s : Seeds.all().entrySet()) {
                    if (!Harness.isJsonObject(s.getValue())) {
                        continue;
                    }
                    Mutator.Mutant mutant = m.structural(s.getValue());
                    h.check(n++, s.getKey() + ": " + mutant.description(), mutant.text());
                }
            }
            assertThat(h.failures()).as(h.report()).isEmpty();
            assertThat(h.cases()).isGreaterThan(15_000);
            assertThat(h.snapshots()).isGreaterThan(1_000);
            // FAQ findings survive many mutations (the errors were left intact): the evidence oracle really ran
            assertThat(h.faqFindings()).isGreaterThan(100);
        }
    }

    @Test
    void truncationAtEveryPosition() {
        // every prefix of every JSON seed: inside a key, a string, a number, an escape, between tokens
        try (Harness h = new Harness("every truncation", 0, BUDGET_MS)) {
            int n = 0;
            int wholePrefixes = 0;
            for (Map.Entry<String, String> s : Seeds.all().entrySet()) {
                String text = s.getValue();
                if (!Harness.isJsonObject(text)) {
                    continue;
                }
                // every position for the parsers that read this shape (none reads the OpenAPI Task object), every
                // 7th for the others
                List<Harness.Parser> readers = new ArrayList<>();
                for (Harness.Parser p : Harness.Parser.values()) {
                    if (p.strict && parses(p, text)) {
                        readers.add(p);
                    }
                }
                for (int cut = 0; cut < text.length(); cut++) {
                    String prefix = text.substring(0, cut);
                    // a file's trailing newline cut off leaves the whole reply: the only prefixes that may parse
                    wholePrefixes += Harness.isJsonObject(prefix) ? 1 : 0;
                    for (Harness.Parser p : Harness.Parser.values()) {
                        if (p.strict && (readers.contains(p) || cut % 7 == 0)) {
                            h.check(n, s.getKey() + ": cut at " + cut, prefix, p);
                        }
                    }
                    n++;
                }
            }
            assertThat(h.failures()).as(h.report()).isEmpty();
            // the harness demands DmBadReplyException for every strict parser on every prefix that is not JSON;
            // the few whole-reply prefixes give at most one snapshot per parser that fits their shape
            assertThat(wholePrefixes).isBetween(1, 10);
            assertThat(h.snapshots()).isLessThanOrEqualTo(wholePrefixes * 2);
            assertThat(h.cases()).isGreaterThan(25_000);
        }
    }

    private static boolean parses(Harness.Parser p, String text) {
        try {
            p.parse.apply(text);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void pastedErrorLinesWithBrokenTags() {
        // parseAny's plain-text fallback: real DM error lines, broken [code=…] tags, and junk lines mixed
        long seed = 0xD11A_0003L;
        Mutator m = new Mutator(seed);
        List<String> real = Seeds.realErrorLines();
        try (Harness h = new Harness("pasted lines", seed, BUDGET_MS)) {
            for (int n = 0; n < 3_000; n++) {
                StringBuilder text = new StringBuilder();
                int lines = 1 + m.random().nextInt(6);
                for (int i = 0; i < lines; i++) {
                    String line = switch (m.random().nextInt(4)) {
                        case 0 -> real.get(m.random().nextInt(real.size()));
                        case 1 -> Mutator.ODD_ERROR_LINES.get(m.random().nextInt(Mutator.ODD_ERROR_LINES.size()));
                        case 2 -> m.textual(real.get(m.random().nextInt(real.size()))).text();
                        default -> Mutator.ODD_LOCATIONS.get(m.random().nextInt(Mutator.ODD_LOCATIONS.size()));
                    };
                    text.append(line).append(m.random().nextBoolean() ? "\n" : "\r\n");
                }
                h.check(n, "pasted lines", text.toString(), Harness.Parser.PARSE_ANY);
            }
            assertThat(h.failures()).as(h.report()).isEmpty();
            assertThat(h.faqFindings()).isGreaterThan(100);
        }
    }

    @Test
    void binlogLocationsReadExactlyAsTheDomainReadsThem() {
        // both parsers read "(file, pos)" as the domain does: on every short text over the characters that matter,
        // and on the broken locations, the snapshot holds what BinlogLocation.parse gives
        long seed = 0xD11A_0004L;
        Random random = new Random(seed);
        String alphabet = "(),  \t\n\u000b\f\r\u00a0\u0001a.|-0123456789٣";
        List<String> texts = new ArrayList<>(Mutator.ODD_LOCATIONS);
        texts.addAll(List.of("(mysql-bin.000003, 5001)", " (mysql-bin.000003 , 5001) ", "(\tf\t,\t7\t)",
                "(f, 9223372036854775807)", "(f, 9223372036854775808)", "(\u00a0, 4)", "(f\u0085, 4)"));
        for (int i = 0; i < 10_000; i++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(15);
            for (int k = 0; k < len; k++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            texts.add(random.nextBoolean() ? "(" + b + ")" : b.toString());
        }
        ObjectNode reply = Seeds.tree(Samples.read(Samples.RUNNING));
        ObjectNode sync = (ObjectNode) reply.withArray("sources").get(0).withArray("subTaskStatus").get(0).get("sync");
        List<String> mismatches = new ArrayList<>();
        for (String text : texts) {
            sync.put("syncerBinlog", text);
            DmSnapshot s = DmStatusJson.parseQueryStatus(reply.toString());
            BinlogLocation read = s.subtasks().get(0).sync().syncerBinlog();
            BinlogLocation expected = BinlogLocation.parse(text).orElse(null);
            if (!Objects.equals(read, expected)) {
                mismatches.add(Harness.printable(text) + " read as " + read + ", the domain reads " + expected);
            }
        }
        assertThat(mismatches).as("seed %d, %d texts", seed, texts.size()).isEmpty();
    }
}
