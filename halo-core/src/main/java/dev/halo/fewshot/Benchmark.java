package dev.halo.fewshot;

import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.List;

/**
 * A latency benchmark ready for few-shot evaluation: the space, its architectures by table row, the latency
 * table and HELP's pools.
 */
public record Benchmark(SearchSpace<?> space, List<? extends Architecture> archs, LatencyTable table, Pools pools) {
    public Benchmark {
        archs = List.copyOf(archs);
        if (archs.size() != table.archCount())
            throw new IllegalArgumentException(archs.size() + " architectures for a table of " + table.archCount() + " rows");
        pools.checkFits(table.archCount());
    }
}
