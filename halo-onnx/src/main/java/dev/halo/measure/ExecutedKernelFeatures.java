package dev.halo.measure;

import dev.halo.onnx.NetworkExporter;
import dev.halo.onnx.Nb201Network;
import dev.halo.predict.additive.CostFeatures;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cost features for a device that runs halo's exported networks through ONNX Runtime: how many kernels of each kind
 * the runtime executes ({@link ExecutedKernels}), rather than how many operations the architecture names. On the
 * 2-vCPU dev VM's own NAS-Bench-201 measurements (2,006 archs, optimisation ALL) the architecture's op counts
 * under-predict every cell with a zero node by 22 % on average (the zero tensor breaks ORT's NCHWc layout chain and
 * costs reorder kernels); the executed-kernel counts remove that bias (−1 %) and raise the fit's Spearman from .920 to
 * .957 at 1 thread and from .934 to .981 at 2 threads (docs/results/onboard.md, "executed kernels").
 *
 * <p>The whole network is optimised, not one cell or one stage: where a cell's output is its input, ONNX Runtime
 * merges the same ReLU across consecutive cells and across the reduction blocks, which only the whole network shows.
 * That costs about 25 ms of CPU per architecture (2-vCPU dev VM), so values are cached per architecture.
 *
 * <p>The feature names are the kernel kinds that vary over a fixed probe set of cells (uniform, degenerate and random
 * ones), minus any kind whose count is an exact affine function of kinds already kept (e.g. 1×1 convolutions are
 * 15 × the cell's conv1x1 edges plus the network's fixed ones), so that a fit from 20 latencies stays well posed.
 */
public final class ExecutedKernelFeatures implements CostFeatures {
    private final NetworkExporter probe;
    private final GraphOptimization level;
    private final List<String> names;
    private final Map<String, double[]> cache = new ConcurrentHashMap<>();

    private ExecutedKernelFeatures(NetworkExporter probe, GraphOptimization level, List<String> names) {
        this.probe = probe;
        this.level = level;
        this.names = names;
    }

    /** NAS-Bench-201's CIFAR-10 network (the one halo measures) as ONNX Runtime runs it at {@code level} on this machine. */
    public static ExecutedKernelFeatures nasbench201(GraphOptimization level) {
        NetworkExporter probe = Nb201Network.cifar10();
        Nb201Space space = new Nb201Space();
        List<Map<String, Integer>> counts = probeCells(space).stream().map(a -> ExecutedKernels.count(probe.export(a, 1, 0), level)).toList();
        return new ExecutedKernelFeatures(probe, level, independentKinds(counts));
    }

    /** Uniform cells, cells with a zero node or a dead node, and seeded random cells. */
    static List<Nb201Arch> probeCells(Nb201Space space) {
        List<Nb201Arch> cells = new ArrayList<>();
        for (String op : List.of("skip", "conv1x1", "conv3x3", "avgpool"))
            cells.add(space.parse(String.join(",", java.util.Collections.nCopies(Nb201Arch.EDGES, op))));
        cells.add(space.parse("none,conv3x3,conv3x3,conv1x1,avgpool,skip"));   // node 1 is the zero tensor
        cells.add(space.parse("conv3x3,none,none,conv3x3,conv1x1,conv3x3"));   // node 2 is zero, its convs still run
        cells.add(space.parse("conv3x3,conv3x3,none,skip,none,none"));         // nodes 1 and 2 are dead
        SplittableRandom random = new SplittableRandom(201);
        while (cells.size() < 40) {
            Nb201Arch a = space.fromIndex(random.nextInt(Nb201Space.SIZE));
            if (Nb201Space.outputConnected(a)) cells.add(a);
        }
        return cells;
    }

    /** Kinds that vary over the probes, dropping each one that is an exact affine function of the kinds kept before it. */
    static List<String> independentKinds(List<Map<String, Integer>> counts) {
        TreeSet<String> kinds = new TreeSet<>();
        counts.forEach(c -> kinds.addAll(c.keySet()));
        List<double[]> basis = new ArrayList<>();
        double[] ones = new double[counts.size()];
        java.util.Arrays.fill(ones, 1);
        basis.add(normalised(ones));
        List<String> kept = new ArrayList<>();
        for (String kind : kinds) {
            double[] v = counts.stream().mapToDouble(c -> c.getOrDefault(kind, 0)).toArray();
            double norm = Math.sqrt(dot(v, v));
            for (double[] b : basis) {
                double p = dot(v, b);
                for (int i = 0; i < v.length; i++) v[i] -= p * b[i];
            }
            if (Math.sqrt(dot(v, v)) > 1e-6 * Math.max(1, norm)) {
                basis.add(normalised(v));
                kept.add(kind);
            }
        }
        return List.copyOf(kept);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double[] normalised(double[] v) {
        double n = Math.sqrt(dot(v, v));
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) out[i] /= n;
        return out;
    }

    /** The optimisation level whose kernels these are. */
    public GraphOptimization level() {
        return level;
    }

    @Override
    public String space() {
        return probe.space();
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public double[] of(Architecture arch) {
        return cache.computeIfAbsent(arch.canonical(), k -> {
            Map<String, Integer> counts = ExecutedKernels.count(probe.export(arch, 1, 0), level);
            return names.stream().mapToDouble(n -> counts.getOrDefault(n, 0)).toArray();
        }).clone();
    }

    @Override
    public boolean nonNegativeCosts() {
        return false;
    }

    @Override
    public boolean prunable(Architecture arch) {
        return arch instanceof Nb201Arch a && !Nb201Space.outputConnected(a);
    }
}
