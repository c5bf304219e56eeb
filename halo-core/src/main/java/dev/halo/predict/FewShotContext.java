package dev.halo.predict;

import dev.halo.BadInputException;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.FewShotProtocol;
import dev.halo.fewshot.LatencyTable;
import dev.halo.fewshot.Split;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a few-shot method may learn from before it meets a new device: the space, the architectures by row,
 * and the latency table restricted to the split's train and valid devices (the test devices are absent,
 * so they cannot leak), with HELP's protocol (pools, trimming, task sampling) over that table.
 */
public final class FewShotContext {
    private final SearchSpace<?> space;
    private final List<? extends Architecture> archs;
    private final Split split;
    private final FewShotProtocol protocol;
    private final int samples;
    private volatile Map<String, Integer> rowByCanonical;

    public FewShotContext(Benchmark benchmark, Split split, int samples) {
        this.samples = samples;
        this.space = benchmark.space();
        this.archs = benchmark.archs();
        this.split = split;
        List<String> visible = new java.util.ArrayList<>(split.train());
        visible.addAll(split.valid());
        this.protocol = new FewShotProtocol(benchmark.table().only(visible), benchmark.pools());
    }

    public SearchSpace<?> space() {
        return space;
    }

    /** Architectures by table row. */
    public List<? extends Architecture> archs() {
        return archs;
    }

    public Split split() {
        return split;
    }

    /** The number of samples each test task will have (meta-learners train and tune with the same count). */
    public int samples() {
        return samples;
    }

    /** Train and valid devices only. */
    public LatencyTable table() {
        return protocol.table();
    }

    /** HELP's protocol over {@link #table()}: kept pools and tasks of the train/valid devices. */
    public FewShotProtocol protocol() {
        return protocol;
    }

    /** Row of {@code arch} in the table (by canonical string), or a {@link BadInputException} if it has none. */
    public int rowOf(Architecture arch) {
        Map<String, Integer> map = rowByCanonical;
        if (map == null) {
            map = new HashMap<>();
            for (int i = 0; i < archs.size(); i++) map.put(archs.get(i).canonical(), i);
            rowByCanonical = map;
        }
        Integer row = map.get(arch.canonical());
        if (row == null) throw new BadInputException("architecture " + arch.canonical() + " is not in the benchmark table");
        return row;
    }
}
