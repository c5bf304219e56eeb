package dev.halo.space;

import dev.halo.BadInputException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The registry of built-in search spaces, by their command-line names. */
public final class Spaces {
    private static final List<SearchSpace<?>> ALL = List.of(new Nb201Space(), new FbnetSpace(), new OfaSpace());
    /** Other spellings people use for the same spaces. */
    private static final java.util.Map<String, String> ALIASES = java.util.Map.of(
            "nb201", Nb201Space.NAME, "nas-bench-201", Nb201Space.NAME, "nats-tss", Nb201Space.NAME,
            "ofa-mbv3", OfaSpace.NAME, "ofa_mbv3", OfaSpace.NAME);

    private Spaces() {}

    /** Every built-in space, in a stable order. */
    public static List<SearchSpace<?>> all() {
        return ALL;
    }

    /** The space called {@code name} (case-insensitive); a BadInputException lists the known names otherwise. */
    public static SearchSpace<?> byName(String name) {
        String typed = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        String key = ALIASES.getOrDefault(typed, typed);
        for (SearchSpace<?> s : ALL) if (s.name().equals(key)) return s;
        throw new BadInputException("unknown search space " + SpaceText.quote(name) + "; known: " + names());
    }

    /** Known names, comma-separated. */
    public static String names() {
        return ALL.stream().map(SearchSpace::name).collect(Collectors.joining(", "));
    }
}
