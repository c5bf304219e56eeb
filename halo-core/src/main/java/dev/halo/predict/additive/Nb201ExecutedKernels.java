package dev.halo.predict.additive;

import dev.halo.space.Architecture;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Macro;
import dev.halo.space.Nb201Space;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cost features for a machine that runs halo's exported NAS-Bench-201 networks through ONNX Runtime on an x86 CPU
 * (optimisation level ALL): how many kernels of each kind the runtime executes ({@link Nb201OrtKernels}), rather
 * than how many operations the cell names. The architecture's op counts miss what ORT adds and removes: on this
 * project's 2-vCPU VM they under-predict every cell with a zero node by 22 % (the zero tensor breaks the NCHWc layout
 * chain and costs reorder kernels), and with these counts op-costs ranked 666 fresh archs at Spearman .995 instead of
 * .952 from the same 20 known latencies (docs/results/onboard.md, "executed kernels").
 *
 * <p>The features are the kernel kinds that vary over a fixed probe set of cells (uniform, degenerate and random
 * ones), minus any kind whose count is an exact affine function of kinds already kept (e.g. 1×1 convolutions are 15 ×
 * the cell's conv1x1 edges plus the network's fixed ones), so that a fit from 20 latencies stays well posed.
 */
public final class Nb201ExecutedKernels implements CostFeatures {
    /** The name device model files record for these features ({@link CostModelFile}). */
    public static final String NAME = "executed-kernels";

    private static final Map<Nb201Macro, Nb201ExecutedKernels> BY_MACRO = new ConcurrentHashMap<>();

    private final Nb201Macro macro;
    private final List<String> names;
    private final Map<List<?>, double[]> cache = new ConcurrentHashMap<>();

    private Nb201ExecutedKernels(Nb201Macro macro) {
        this.macro = macro;
        Nb201Space space = new Nb201Space(macro);
        this.names = independentKinds(probeCells(space).stream().map(a -> Nb201OrtKernels.count(macro, a)).toList());
    }

    /** The features of {@code macro}'s network (one instance per macro: its per-architecture counts are kept). */
    public static Nb201ExecutedKernels of(Nb201Macro macro) {
        return BY_MACRO.computeIfAbsent(macro, Nb201ExecutedKernels::new);
    }

    /** Uniform cells, cells with a zero node or a dead node, and seeded random cells. */
    public static List<Nb201Arch> probeCells(Nb201Space space) {
        List<Nb201Arch> cells = new ArrayList<>();
        for (String op : List.of("skip", "conv1x1", "conv3x3", "avgpool"))
            cells.add(space.parse(String.join(",", Collections.nCopies(Nb201Arch.EDGES, op))));
        cells.add(space.parse("none,conv3x3,conv3x3,conv1x1,avgpool,skip"));   // node 1 is the zero tensor
        cells.add(space.parse("conv3x3,none,none,conv3x3,conv1x1,conv3x3"));   // node 2 is zero, its convs still run
        cells.add(space.parse("conv3x3,conv3x3,none,skip,none,none"));         // nodes 1 and 2 are dead
        SplittableRandom random = new SplittableRandom(201);
        while (cells.size() < 40) {
            Nb201Arch a = space.fromIndex(random.nextInt(Nb201Space.SIZE));
            if (Nb201Space.outputConnected(a)) cells.add(a);
        }
        return List.copyOf(cells);
    }

    /** Kinds that vary over the probes, dropping each one that is an exact affine function of the kinds kept before it. */
    static List<String> independentKinds(List<Map<String, Integer>> counts) {
        TreeSet<String> kinds = new TreeSet<>();
        counts.forEach(c -> kinds.addAll(c.keySet()));
        List<double[]> basis = new ArrayList<>();
        double[] ones = new double[counts.size()];
        Arrays.fill(ones, 1);
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

    /** The network these counts are for. */
    public Nb201Macro macro() {
        return macro;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the kernels ONNX Runtime runs for the exported network on an x86 CPU at optimisation level ALL (" + String.join(", ", names) + ")";
    }

    @Override
    public String space() {
        return Nb201Space.NAME;
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public double[] of(Architecture arch) {
        if (!(arch instanceof Nb201Arch a)) throw new IllegalArgumentException("not a NAS-Bench-201 architecture: " + arch.canonical());
        return cache.computeIfAbsent(a.ops(), k -> {
            Map<String, Integer> counts = Nb201OrtKernels.count(macro, a);
            return names.stream().mapToDouble(n -> counts.getOrDefault(n, 0)).toArray();
        }).clone();
    }

    @Override
    public boolean nonNegativeCosts() {
        return false;
    }

    /** A cell whose output is not reachable from its input, as for op counts: some runtimes skip such networks. */
    @Override
    public boolean prunable(Architecture arch) {
        return arch instanceof Nb201Arch a && !Nb201Space.outputConnected(a);
    }
}
