package dev.halo.search;

import dev.halo.space.Architecture;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Non-dominated filtering: higher accuracy is better, lower predicted latency on every device is better. */
public final class ParetoFront {
    private ParetoFront() {}

    /** True if {@code a} is at least as good as {@code b} everywhere and strictly better somewhere. */
    public static boolean dominates(Candidate<?> a, Candidate<?> b) {
        boolean strictly = a.accuracy() > b.accuracy();
        if (a.accuracy() < b.accuracy()) return false;
        for (int j = 0; j < a.predictedMs().size(); j++) {
            double x = a.predictedMs(j), y = b.predictedMs(j);
            if (x > y) return false;
            if (x < y) strictly = true;
        }
        return strictly;
    }

    /**
     * The non-dominated subset, most accurate first (ties: fastest first); of several candidates with identical
     * objectives only the first in canonical order is kept.
     */
    public static <A extends Architecture> List<Candidate<A>> of(List<Candidate<A>> candidates) {
        List<Candidate<A>> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble((Candidate<A> c) -> -c.accuracy())
                .thenComparingDouble(c -> c.predictedMs().stream().mapToDouble(Double::doubleValue).sum())
                .thenComparing(c -> c.arch().canonical()));
        List<Candidate<A>> front = new ArrayList<>();
        // Sorted by accuracy descending, a candidate can only be dominated by one already kept (or by an equal one).
        for (Candidate<A> c : sorted) {
            boolean dominated = false;
            for (Candidate<A> f : front) {
                if (dominates(f, c) || sameObjectives(f, c)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) front.add(c);
        }
        return front;
    }

    private static boolean sameObjectives(Candidate<?> a, Candidate<?> b) {
        return a.accuracy() == b.accuracy() && a.predictedMs().equals(b.predictedMs());
    }
}
