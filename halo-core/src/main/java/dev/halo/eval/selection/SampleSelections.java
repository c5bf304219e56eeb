package dev.halo.eval.selection;

import dev.halo.BadInputException;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.SampleSelection;
import dev.halo.fewshot.Split;
import dev.halo.predict.additive.CostFeatures;
import dev.halo.predict.additive.DeadCodeDesignFeatures;
import dev.halo.predict.additive.DeadCodeProbes;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import dev.halo.space.SearchSpace;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Sample selections other than HELP's random draw, for {@code halo evaluate --selection NAME}. None looks at
 * the new device's latencies; each is randomised by the task's generator so that seeds still differ:
 * <ul>
 *   <li>{@code flops-spread}: the pool sorted by FLOPs is cut into {@code N} equal strata, one random row from
 *       each, so the samples span the cost range;</li>
 *   <li>{@code kcenter}: greedy farthest-point in the space's flat encoding (Euclidean), starting from the
 *       reference architectures (already measured), over a random half of the pool;</li>
 *   <li>{@code d-optimal}: greedy maximum leverage in the meta-train devices' standardised log-latency space
 *       (what the device-mix regression fits on), given the reference rows, over a random half of the pool:
 *       samples that pin down the mix the reference set leaves uncertain;</li>
 *   <li>{@code cost-optimal}: the same greedy design in the space's cost features ({@link CostFeatures}, standardised,
 *       plus the intercept), what {@code op-costs} fits: samples that pin down the device's operation costs. It
 *       skips {@linkplain CostFeatures#prunable prunable} architectures while enough others remain.</li>
 *   <li>{@code cost-optimal-dce} (NAS-Bench-201): the same design over the op counts plus the number of dead
 *       operations ({@link DeadCodeDesignFeatures}), for {@code experimental:op-costs-dce}.</li>
 *   <li>{@code cost-optimal-probes} (NAS-Bench-201; elsewhere exactly {@code cost-optimal}): {@value #PROBES} dead-code
 *       probes ({@link DeadCodeProbes}) from the pool, then the {@code cost-optimal} design for the other samples
 *       given the references and the probes, for {@code experimental:op-costs-dce-probes}.</li>
 *   <li>{@code cost-optimal-probe} (NAS-Bench-201; elsewhere exactly {@code cost-optimal}): {@code cost-optimal}'s first
 *       n - 1 picks, then one probe in place of its last (beyond.md, session 13).</li>
 * </ul>
 */
public final class SampleSelections {
    public static final List<String> NAMES = List.of("random", "flops-spread", "kcenter", "d-optimal", "cost-optimal", "cost-optimal-dce", "cost-optimal-probes", "cost-optimal-probe");
    /** How many dead-code probes {@code cost-optimal-probes} measures (beyond.md, session 11). */
    static final int PROBES = 2;
    /** Fewer samples than this get no probes: the probe rule fits op counts' 5 costs on the samples besides them. */
    static final int MIN_SAMPLES_FOR_PROBES = PROBES + 5;
    /** Fewer samples than this keep {@code cost-optimal}: the probe rule fits op counts' 5 costs on the other samples. */
    static final int MIN_SAMPLES_FOR_LAST_PROBE = 6;

    private SampleSelections() {}

    public static SampleSelection byName(String name, Benchmark benchmark, Split split) {
        return switch (name) {
            case "random" -> SampleSelection.RANDOM;
            case "flops-spread" -> flopsSpread(column(benchmark, false));
            case "kcenter" -> kCenter("kcenter", encodings(benchmark));
            case "d-optimal" -> dOptimal("d-optimal", deviceFeatures(benchmark, split));
            case "cost-optimal" -> costOptimal(benchmark);
            case "cost-optimal-dce" -> costOptimalDeadCode(benchmark);
            case "cost-optimal-probes" -> costOptimalProbes(benchmark);
            case "cost-optimal-probe" -> costOptimalLastProbe(benchmark);
            default -> throw new BadInputException("unknown --selection '" + name + "'; known: " + String.join(",", NAMES));
        };
    }

    static SampleSelection flopsSpread(double[] flops) {
        return new Named("flops-spread", (pool, ref, n, rng) -> {
            int[] sorted = Arrays.stream(pool).boxed().sorted(Comparator.comparingDouble(r -> flops[r])).mapToInt(Integer::intValue).toArray();
            int[] out = new int[n];
            for (int k = 0; k < n; k++) {
                int from = (int) ((long) k * sorted.length / n), to = (int) ((long) (k + 1) * sorted.length / n);
                out[k] = sorted[from + rng.nextInt(to - from)];
            }
            return out;
        });
    }

    /** Greedy farthest-point: each pick maximises its distance to the nearest already-known row. */
    static SampleSelection kCenter(String name, double[][] points) {
        return new Named(name, (pool, ref, n, rng) -> {
            int[] candidates = randomHalf(pool, n, rng);
            double[] nearest = new double[candidates.length];
            Arrays.fill(nearest, Double.POSITIVE_INFINITY);
            for (int r : ref) update(nearest, candidates, points, r);
            int[] out = new int[n];
            boolean[] taken = new boolean[candidates.length];
            for (int k = 0; k < n; k++) {
                int best = -1;
                for (int c = 0; c < candidates.length; c++)
                    if (!taken[c] && (best < 0 || nearest[c] > nearest[best])) best = c;
                taken[best] = true;
                out[k] = candidates[best];
                update(nearest, candidates, points, out[k]);
            }
            return out;
        });
    }

    /** Greedy D-optimal design: each pick has the largest leverage xᵀ(XᵀX + εI)⁻¹x given the rows known so far. */
    static SampleSelection dOptimal(String name, double[][] features) {
        return new Named(name, (pool, ref, n, rng) -> greedyDesign(features, ref, randomHalf(pool, n, rng), n));
    }

    private static SampleSelection costOptimal(Benchmark b) {
        return costOptimal("cost-optimal", CostFeatures.require(b.space(), "--selection cost-optimal"), b);
    }

    /** NAS-Bench-201 only: the design that lets {@code experimental:op-costs-dce} see whether the device removes dead code. */
    private static SampleSelection costOptimalDeadCode(Benchmark b) {
        if (!(b.space() instanceof Nb201Space))
            throw new BadInputException("--selection cost-optimal-dce is for space " + Nb201Space.NAME + " (it spreads samples over dead operations); got '"
                    + b.space().name() + "'");
        return costOptimal("cost-optimal-dce", new DeadCodeDesignFeatures(), b);
    }

    /**
     * NAS-Bench-201: {@value #PROBES} probes, the pool's non-prunable cells with {@value DeadCodeProbes#DEAD_OPS} dead
     * operations whose dead operations carry the most multiply-accumulates (ties in random order), because the more
     * work a device skips on a probe, the more plainly its latency shows whether it skips it; then the cost-optimal
     * design over the rest of the pool, given the references and the probes as known. Other spaces have no dead code:
     * there it is {@code cost-optimal}.
     */
    private static SampleSelection costOptimalProbes(Benchmark b) {
        String name = "cost-optimal-probes";
        CostFeatures costs = CostFeatures.require(b.space(), "--selection " + name);
        if (!(b.space() instanceof Nb201Space space)) return costOptimal(name, costs, b);
        ProbeDesign d = ProbeDesign.of(costs, space, b.archs());
        return new Named(name, (pool, ref, n, rng) -> {
            int[] probes = n >= MIN_SAMPLES_FOR_PROBES ? probes(pool, d.deadMflops(), rng) : new int[0];
            int designed = n - probes.length;
            int[] rest = Arrays.stream(pool).filter(r -> Arrays.stream(probes).noneMatch(p -> p == r)).toArray();
            int[] known = IntStream.concat(Arrays.stream(ref), Arrays.stream(probes)).toArray();
            int[] design = greedyDesign(d.features(), known, randomHalf(withoutPrunable(rest, d.prunable(), designed), designed, rng), designed);
            return IntStream.concat(Arrays.stream(probes), Arrays.stream(design)).toArray();
        });
    }

    /**
     * NAS-Bench-201 with at least {@value #MIN_SAMPLES_FOR_LAST_PROBE} samples: {@code cost-optimal}'s first n - 1 picks
     * (its greedy order makes them the picks it would make for n - 1), then one probe in place of the last pick, the
     * least informative of the design's. The probe is one of the whole pool's probes with the most dead work (the tie
     * group at the maximum: the more work a runtime skips on it, the plainer its latency shows dead-code removal),
     * and of those the one with the largest leverage in the op-count design given the references and the n - 1
     * picks, so that it still teaches op-costs as much as a probe can. Why one and why last: two probes cost
     * 1080ti_1 .011-.020 in session 11, all of it from the design samples they displaced.
     */
    private static SampleSelection costOptimalLastProbe(Benchmark b) {
        String name = "cost-optimal-probe";
        CostFeatures costs = CostFeatures.require(b.space(), "--selection " + name);
        if (!(b.space() instanceof Nb201Space space)) return costOptimal(name, costs, b);
        ProbeDesign d = ProbeDesign.of(costs, space, b.archs());
        double[] deadMflops = d.deadMflops();
        return new Named(name, (pool, ref, n, rng) -> {
            int[] design = greedyDesign(d.features(), ref, randomHalf(withoutPrunable(pool, d.prunable(), n), n, rng), n);
            if (n < MIN_SAMPLES_FOR_LAST_PROBE) return design;
            int[] kept = Arrays.copyOf(design, n - 1);
            int[] candidates = Arrays.stream(pool).filter(r -> !Double.isNaN(deadMflops[r]) && Arrays.stream(kept).noneMatch(k -> k == r)).toArray();
            if (candidates.length == 0) return design;
            double most = Arrays.stream(candidates).mapToDouble(r -> deadMflops[r]).max().getAsDouble();
            int[] group = Arrays.stream(candidates).filter(r -> deadMflops[r] == most).toArray();
            int[] ordered = SampleSelection.RANDOM.choose(group, new int[0], group.length, rng); // exact ties: the seed's order
            int[] known = IntStream.concat(Arrays.stream(ref), Arrays.stream(kept)).toArray();
            int[] probe = greedyDesign(d.features(), known, ordered, 1);
            return IntStream.concat(Arrays.stream(kept), Arrays.stream(probe)).toArray();
        });
    }

    /**
     * What both probe designs read of the space: the standardised op counts the design is greedy in, which cells are
     * prunable, and each cell's dead work ({@link DeadCodeProbes#deadMflops}) if it is a probe, else NaN.
     */
    private record ProbeDesign(double[][] features, boolean[] prunable, double[] deadMflops) {
        static ProbeDesign of(CostFeatures costs, Nb201Space space, List<? extends Architecture> archs) {
            return new ProbeDesign(standardisedCosts(costs, archs), SampleSelections.prunable(costs, archs),
                    archs.stream().mapToDouble(a -> DeadCodeProbes.isProbe(a) ? DeadCodeProbes.deadMflops(space, (Nb201Arch) a) : Double.NaN).toArray());
        }
    }

    /** Up to {@link #PROBES} pool rows that are probes (a number in {@code deadMflops}), the most dead work first. */
    private static int[] probes(int[] pool, double[] deadMflops, SplittableRandom rng) {
        int[] candidates = Arrays.stream(pool).filter(r -> !Double.isNaN(deadMflops[r])).toArray();
        int[] shuffled = SampleSelection.RANDOM.choose(candidates, new int[0], candidates.length, rng); // ties in random order
        return Arrays.stream(shuffled).boxed().sorted(Comparator.comparingDouble(r -> -deadMflops[r]))
                .limit(PROBES).mapToInt(Integer::intValue).toArray();
    }

    private static SampleSelection costOptimal(String name, CostFeatures costs, Benchmark b) {
        double[][] features = standardisedCosts(costs, b.archs());
        boolean[] prunable = prunable(costs, b.archs());
        return new Named(name, (pool, ref, n, rng) ->
                greedyDesign(features, ref, randomHalf(withoutPrunable(pool, prunable, n), n, rng), n));
    }

    private static boolean[] prunable(CostFeatures costs, List<? extends Architecture> archs) {
        boolean[] out = new boolean[archs.size()];
        for (int i = 0; i < out.length; i++) out[i] = costs.prunable(archs.get(i));
        return out;
    }

    /** The rows of {@code candidates} that are not prunable, or all of them if fewer than {@code n} would remain. */
    private static int[] withoutPrunable(int[] candidates, boolean[] prunable, int n) {
        int[] kept = Arrays.stream(candidates).filter(r -> !prunable[r]).toArray();
        return kept.length >= n ? kept : candidates;
    }

    /** The {@code n} candidate rows a greedy D-optimal design picks, one at a time, after the {@code known} rows. */
    private static int[] greedyDesign(double[][] features, int[] known, int[] candidates, int n) {
        int d = features[0].length;
        double[][] info = new double[d][d];
        for (int j = 0; j < d; j++) info[j][j] = 1e-3;
        for (int r : known) addOuter(info, features[r]);
        boolean[] taken = new boolean[candidates.length];
        int[] out = new int[n];
        for (int k = 0; k < n; k++) {
            double[][] inverse = invert(info);
            int best = -1;
            double bestLeverage = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < candidates.length; c++) {
                if (taken[c]) continue;
                double leverage = quadratic(inverse, features[candidates[c]]);
                if (leverage > bestLeverage) {
                    bestLeverage = leverage;
                    best = c;
                }
            }
            taken[best] = true;
            out[k] = candidates[best];
            addOuter(info, features[out[k]]);
        }
        return out;
    }

    /**
     * Which {@code n} of {@code candidates} to measure on a new device, given the {@code known} architectures already
     * measured, for op-costs: the cost-optimal design over these architectures alone (no benchmark table needed).
     */
    public static <A extends Architecture> List<A> costOptimal(SearchSpace<?> space, List<? extends Architecture> known, List<A> candidates, int n) {
        return costOptimal(CostFeatures.require(space, "--selection cost-optimal"), known, candidates, n);
    }

    /** The same for the costs of another feature set of the space (e.g. the kernels ONNX Runtime runs). */
    public static <A extends Architecture> List<A> costOptimal(CostFeatures costs, List<? extends Architecture> known, List<A> candidates, int n) {
        if (n > candidates.size()) throw new IllegalArgumentException(n + " picks from " + candidates.size() + " candidates");
        List<Architecture> all = new java.util.ArrayList<>(known);
        all.addAll(candidates);
        double[][] features = standardisedCosts(costs, all);
        boolean[] prunable = prunable(costs, all);
        int[] knownRows = IntStream.range(0, known.size()).toArray();
        int[] candidateRows = withoutPrunable(IntStream.range(known.size(), all.size()).toArray(), prunable, n);
        return Arrays.stream(greedyDesign(features, knownRows, candidateRows, n)).mapToObj(r -> candidates.get(r - known.size())).toList();
    }

    /** A random half of the pool (at least {@code n} rows), so that greedy choices differ between seeds. */
    private static int[] randomHalf(int[] pool, int n, SplittableRandom rng) {
        int size = Math.max(n, pool.length / 2);
        return SampleSelection.RANDOM.choose(pool, new int[0], size, rng);
    }

    private static void update(double[] nearest, int[] candidates, double[][] points, int row) {
        for (int c = 0; c < candidates.length; c++) {
            double s = 0;
            double[] a = points[candidates[c]], b = points[row];
            for (int j = 0; j < a.length; j++) s += (a[j] - b[j]) * (a[j] - b[j]);
            nearest[c] = Math.min(nearest[c], Math.sqrt(s));
        }
    }

    private static void addOuter(double[][] m, double[] x) {
        for (int i = 0; i < x.length; i++) for (int j = 0; j < x.length; j++) m[i][j] += x[i] * x[j];
    }

    private static double quadratic(double[][] m, double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) for (int j = 0; j < x.length; j++) s += x[i] * m[i][j] * x[j];
        return s;
    }

    /** Gauss-Jordan inverse of a symmetric positive-definite matrix. */
    private static double[][] invert(double[][] a) {
        int d = a.length;
        double[][] m = new double[d][2 * d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(a[i], 0, m[i], 0, d);
            m[i][d + i] = 1;
        }
        for (int col = 0; col < d; col++) {
            int pivot = col;
            for (int r = col + 1; r < d; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
            double[] t = m[col];
            m[col] = m[pivot];
            m[pivot] = t;
            double p = m[col][col];
            for (int c = 0; c < 2 * d; c++) m[col][c] /= p;
            for (int r = 0; r < d; r++) {
                if (r == col || m[r][col] == 0) continue;
                double f = m[r][col];
                for (int c = 0; c < 2 * d; c++) m[r][c] -= f * m[col][c];
            }
        }
        double[][] inv = new double[d][d];
        for (int i = 0; i < d; i++) System.arraycopy(m[i], d, inv[i], 0, d);
        return inv;
    }

    private static double[] column(Benchmark b, boolean params) {
        return b.archs().stream().mapToDouble(a -> cost(b.space(), a, params)).toArray();
    }

    private static double[][] encodings(Benchmark b) {
        return b.archs().stream().map(a -> encoding(b.space(), a)).toArray(double[][]::new);
    }

    /** Per row: the train devices' log latencies, standardised over all rows, plus a constant 1 (the intercept). */
    private static double[][] deviceFeatures(Benchmark b, Split split) {
        int n = b.table().archCount(), d = split.train().size();
        double[][] x = new double[n][d + 1];
        for (int j = 0; j < d; j++) {
            double[] lat = b.table().latencies(split.train().get(j));
            double[] log = Arrays.stream(lat).map(Math::log).toArray();
            double mean = Arrays.stream(log).average().orElse(0);
            double sd = Math.sqrt(Arrays.stream(log).map(v -> (v - mean) * (v - mean)).average().orElse(1));
            for (int i = 0; i < n; i++) x[i][j] = sd > 0 ? (log[i] - mean) / sd : 0;
        }
        for (int i = 0; i < n; i++) x[i][d] = 1;
        return x;
    }

    /** Per row: the space's cost features standardised over all rows, plus a constant 1 (the intercept). */
    private static double[][] standardisedCosts(CostFeatures features, List<? extends Architecture> archs) {
        double[][] raw = archs.stream().map(features::of).toArray(double[][]::new);
        int n = raw.length, d = features.names().size();
        double[][] x = new double[n][d + 1];
        for (int j = 0; j < d; j++) {
            int col = j;
            double mean = Arrays.stream(raw).mapToDouble(r -> r[col]).average().orElse(0);
            double sd = Math.sqrt(Arrays.stream(raw).mapToDouble(r -> (r[col] - mean) * (r[col] - mean)).average().orElse(1));
            for (int i = 0; i < n; i++) x[i][j] = sd > 0 ? (raw[i][j] - mean) / sd : 0;
        }
        for (int i = 0; i < n; i++) x[i][d] = 1;
        return x;
    }

    private static <A extends Architecture> double cost(SearchSpace<A> space, Architecture arch, boolean params) {
        A a = space.cast(arch);
        return params ? space.params(a) : space.mflops(a);
    }

    private static <A extends Architecture> double[] encoding(SearchSpace<A> space, Architecture arch) {
        return space.flatEncoding(space.cast(arch));
    }

    @FunctionalInterface
    private interface Chooser {
        int[] choose(int[] pool, int[] referenceRows, int samples, SplittableRandom rng);
    }

    private record Named(String name, Chooser chooser) implements SampleSelection {
        @Override
        public int[] choose(int[] pool, int[] referenceRows, int samples, SplittableRandom rng) {
            return chooser.choose(pool, referenceRows, samples, rng);
        }
    }
}
