package dev.halo.space;

/** One architecture of a search space: an immutable value whose {@link #canonical()} string identifies it. */
public interface Architecture {
    /** The space's name, e.g. {@code nasbench201}. */
    String space();

    /** The canonical string form; {@code space.parse(canonical())} returns an equal architecture. */
    String canonical();
}
