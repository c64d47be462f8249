package io.dmremediation.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Minimal {@code --name value} / {@code --flag} parsing. Unknown options and missing values are errors with a
 * message that names the option, so a typo never silently changes what a command does.
 */
public final class Args {

    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    /**
     * @param valued options that take a value ({@code --file F})
     * @param flags  options without a value ({@code --dry-run})
     */
    public static Args parse(List<String> args, Set<String> valued, Set<String> flags) {
        Args parsed = new Args();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--") && a.length() > 2) {
                String name = a.substring(2);
                String inline = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    inline = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name) && inline == null) {
                    parsed.options.put(name, "true");
                } else if (valued.contains(name)) {
                    if (inline == null) {
                        if (i + 1 >= args.size()) {
                            throw new UsageException("option --" + name + " needs a value");
                        }
                        inline = args.get(++i);
                    }
                    parsed.options.put(name, inline);
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                parsed.positional.add(a);
            }
        }
        return parsed;
    }

    public Optional<String> value(String name) {
        return Optional.ofNullable(options.get(name));
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }

    public List<String> positional() {
        return positional;
    }

    /** A usage error: the message is printed as is, followed by a hint to run --help. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
