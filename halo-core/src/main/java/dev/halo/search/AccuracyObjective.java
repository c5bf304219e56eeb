package dev.halo.search;

import dev.halo.BadInputException;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What the search maximises: an accuracy (%), looked up in a benchmark table or estimated by any predictor,
 * or a cost proxy where a space has no accuracy table (bigger networks are assumed to be more accurate).
 *
 * @param <A> the architecture type it scores
 */
public interface AccuracyObjective<A extends Architecture> {
    /** One line saying where the numbers come from, e.g. {@code cifar100 test accuracy (accuracy.csv)}. */
    String description();

    /** The unit printed beside the value: {@code %} for accuracies, {@code MFLOPs} or {@code params} for proxies. */
    String unit();

    /** The score of one architecture; higher is better. */
    double accuracy(A arch);

    /** Any function of the architecture, e.g. an accuracy predictor. */
    static <A extends Architecture> AccuracyObjective<A> of(String description, String unit, ToDoubleFunction<? super A> score) {
        return new AccuracyObjective<>() {
            @Override
            public String description() {
                return description;
            }

            @Override
            public String unit() {
                return unit;
            }

            @Override
            public double accuracy(A arch) {
                return score.applyAsDouble(arch);
            }
        };
    }

    /**
     * A benchmark table keyed by {@link Architecture#canonical()}. An architecture the table lacks is bad input
     * (a table of another space, or a partial one), reported with the table's name.
     */
    static <A extends Architecture> AccuracyObjective<A> fromTable(String description, Map<String, Double> byCanonical) {
        Map<String, Double> table = Map.copyOf(byCanonical);
        return of(description, "%", arch -> {
            Double v = table.get(arch.canonical());
            if (v == null) throw new BadInputException(description + ": no accuracy for architecture " + arch.canonical());
            return v;
        });
    }

    /** Multiply-accumulates (MFLOPs) as an accuracy proxy, for spaces without an accuracy table (FBNet, OFA). */
    static <A extends Architecture> AccuracyObjective<A> mflopsProxy(SearchSpace<A> space) {
        return of("MFLOPs proxy (no accuracy table; more compute assumed more accurate)", "MFLOPs", space::mflops);
    }

    /** Parameter count as an accuracy proxy, for spaces without an accuracy table. */
    static <A extends Architecture> AccuracyObjective<A> paramsProxy(SearchSpace<A> space) {
        return of("parameter-count proxy (no accuracy table; bigger assumed more accurate)", "params", a -> space.params(a));
    }
}
