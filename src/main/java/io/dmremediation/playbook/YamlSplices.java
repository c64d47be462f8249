package io.dmremediation.playbook;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Text edits at fixed offsets of one original text, applied together: every byte outside the edited spans stays as
 * it was. Two insertions at one offset come out in the order they were added.
 */
final class YamlSplices {

    private record Splice(int from, int to, String text, int order) {
    }

    private final List<Splice> splices = new ArrayList<>();

    void replace(int from, int to, String text) {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("bad span " + from + ".." + to);
        }
        for (Splice s : splices) {
            // a replacement may touch, never overlap, another edit's span
            if (from < s.to() && s.from() < to) {
                throw new IllegalStateException("overlapping edits of the task config");
            }
        }
        splices.add(new Splice(from, to, text, splices.size()));
    }

    void insert(int at, String text) {
        replace(at, at, text);
    }

    boolean isEmpty() {
        return splices.isEmpty();
    }

    /** The whole text with every edit applied. */
    String apply(String text) {
        return apply(text, 0, text.length());
    }

    /** The text between {@code from} and {@code to} with the edits that lie inside it applied. */
    String apply(String text, int from, int to) {
        List<Splice> inside = new ArrayList<>();
        for (Splice s : splices) {
            if (s.from() >= from && s.to() <= to) {
                inside.add(s);
            }
        }
        inside.sort(Comparator.comparingInt(Splice::from).thenComparingInt(Splice::order));
        StringBuilder out = new StringBuilder(to - from + 64);
        int at = from;
        for (Splice s : inside) {
            out.append(text, at, s.from()).append(s.text());
            at = s.to();
        }
        return out.append(text, at, to).toString();
    }
}
