package io.dmremediation.playbook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A playbook's declared steps, first step first. Checked when built: every name a step leads to exists. */
public final class StepTable {

    private final Map<String, Step> steps = new LinkedHashMap<>();
    private final Map<String, List<String>> branches = new LinkedHashMap<>();
    private final String first;

    private StepTable(List<Step> list, Map<String, List<String>> branches) {
        for (Step s : list) {
            if (steps.put(s.name(), s) != null) {
                throw new IllegalArgumentException("step " + s.name() + " is declared twice");
            }
        }
        this.branches.putAll(branches);
        this.first = list.get(0).name();
        for (Step s : list) {
            for (String target : targets(s)) {
                if (!steps.containsKey(target)) {
                    throw new IllegalArgumentException("step " + s.name() + " leads to undeclared step " + target);
                }
            }
            if (s.phase() == Phase.STOPPED && s.onFailure() == null) {
                throw new IllegalArgumentException("step " + s.name() + " may run with a task stopped and has no "
                        + "recovery step");
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public String first() {
        return first;
    }

    public Optional<Step> get(String name) {
        return Optional.ofNullable(steps.get(name));
    }

    public Collection<Step> steps() {
        return steps.values();
    }

    /** Every step a step may lead to: its next, its failure step and the branches it declares. */
    public List<String> targets(Step s) {
        List<String> t = new ArrayList<>();
        if (s.next() != null) {
            t.add(s.next());
        }
        if (s.onFailure() != null) {
            t.add(s.onFailure());
        }
        t.addAll(branches.getOrDefault(s.name(), List.of()));
        return t;
    }

    /** True when a step may branch to {@code target} (tests check that every Next a step returns is declared). */
    public boolean leadsTo(String from, String target) {
        Step s = steps.get(from);
        return s != null && targets(s).contains(target);
    }

    /** Builds a table in order. */
    public static final class Builder {
        private final List<Step> list = new ArrayList<>();
        private final Map<String, List<String>> branches = new LinkedHashMap<>();

        public Builder step(String name, Phase phase, Step.Body body, String next) {
            return add(new Step(name, phase, body, next, null));
        }

        public Builder step(String name, Phase phase, Step.Body body, String next, String onFailure) {
            return add(new Step(name, phase, body, next, onFailure));
        }

        /** Declares the other steps a step may branch to with {@link StepResult.Next}. */
        public Builder branches(String from, String... to) {
            branches.computeIfAbsent(from, k -> new ArrayList<>()).addAll(List.of(to));
            return this;
        }

        private Builder add(Step s) {
            list.add(s);
            return this;
        }

        public StepTable build() {
            return new StepTable(list, branches);
        }
    }
}
