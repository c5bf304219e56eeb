package dev.halo.fewshot;

import dev.halo.BadInputException;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * A synthetic benchmark for tests: architecture i is "a<i>" with cost {@code cost(i)} (its FLOPs and its
 * one-dimensional encoding), devices are latency functions of the row.
 */
public final class ToyBenchmark {
    private ToyBenchmark() {}

    public record ToyArch(int row) implements Architecture {
        @Override public String space() { return "toy"; }
        @Override public String canonical() { return "a" + row; }
    }

    public record ToySpace(IntToDoubleFunction cost) implements SearchSpace<ToyArch> {
        @Override public String name() { return "toy"; }
        @Override public String description() { return "test space"; }
        @Override public double size() { return Double.NaN; }
        @Override public ToyArch parse(String text) {
            if (!text.startsWith("a")) throw new BadInputException("not a toy arch: " + text);
            return new ToyArch(Integer.parseInt(text.substring(1)));
        }
        @Override public ToyArch sample(RandomGenerator rng) { throw new UnsupportedOperationException("not needed in tests"); }
        @Override public ToyArch mutate(ToyArch arch, RandomGenerator rng) { throw new UnsupportedOperationException("not needed in tests"); }
        @Override public List<ToyArch> neighbours(ToyArch arch) { throw new UnsupportedOperationException("not needed in tests"); }
        @Override public double[] flatEncoding(ToyArch arch) { return new double[] {cost.applyAsDouble(arch.row()) / 100, arch.row() % 2}; }
        @Override public double mflops(ToyArch arch) { return cost.applyAsDouble(arch.row()); }
        @Override public long params(ToyArch arch) { return Math.round(cost.applyAsDouble(arch.row())); }
    }

    /** {@code rows} architectures, reference rows 0..9, pools (train, query), one device per map entry. */
    public static Benchmark of(int rows, int train, int query, IntToDoubleFunction cost, Map<String, IntToDoubleFunction> devices) {
        Map<String, double[]> latency = new LinkedHashMap<>();
        devices.forEach((name, f) -> latency.put(name, IntStream.range(0, rows).mapToDouble(f).toArray()));
        List<ToyArch> archs = IntStream.range(0, rows).mapToObj(ToyArch::new).toList();
        return new Benchmark(new ToySpace(cost), archs,
                LatencyTable.of(rows, latency, IntStream.range(0, 10).toArray()), new Pools(train, query));
    }
}
