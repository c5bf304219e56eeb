import dev.halo.kernel.BoostedTrees;
import dev.halo.kernel.DeviceAdaptation;
import dev.halo.kernel.KernelCorpus;
import dev.halo.kernel.KernelCostModel;
import dev.halo.kernel.KernelFeatures;
import dev.halo.kernel.KernelKind;
import dev.halo.kernel.KernelModelFile;
import dev.halo.kernel.KernelShape;
import dev.halo.kernel.ProfiledKernel;
import dev.halo.nn.LinearSolve;
import dev.halo.stats.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Session 13 (issue 14): a device halo has not profiled, adapted from the kernel models of TWO source machines instead of
 * one. Definition and rule: docs/results/kernels.md, "Session 13: two source machines" (written before this ran).
 *
 * <p>Three targets, each with the two other machines as sources: the AMD EPYC at 1 thread from {Xeon s7, Xeon 167}; the
 * Xeon 167 at 1 thread from {Xeon s7, EPYC}; the Xeon s7 at 2 threads from {EPYC, Xeon 167}. Each target's few-shot pool
 * is its 40 zoo models of seed 2; the 20 known models are KernelModelCheck's 10 draws (the same draws for every method).
 *
 * <p>Modes:
 * <ul>
 *   <li>{@code fits}: fits and caches every source model (the full zoo corpus, and the fits without each zoo family that
 *       torchvision needs) in CACHE_DIR (default /tmp/s13-fits);</li>
 *   <li>{@code rule}: the RULE rows: the pool's other 20 zoo models, full-corpus source fits; prints the rule's verdict;</li>
 *   <li>{@code torchvision}: the targets' torchvision models, each predicted by source fits without the closest zoo family
 *       (KernelModelCheck's mapping);</li>
 *   <li>{@code diagnose}, {@code ceiling}: diagnostics added after the rule's decision (they decide nothing): kernel sums
 *       against profiled sums, and latency from each model's own profiled kernel times (the model-level ceiling).</li>
 * </ul>
 * Usage: {@code java -cp "$CP" bench/MultiSourceCheck.java rule [CACHE_DIR]} from the repository root.
 */
public class MultiSourceCheck {
    record Source(String name, Path zoo) {}

    record Target(String name, Path pool, Path torchvision, String a, String b) {}

    static final Map<String, Source> SOURCES = new LinkedHashMap<>();
    static final List<Target> TARGETS = new ArrayList<>();

    static {
        SOURCES.put("xeon-s7", new Source("xeon-s7 1t", Path.of("data/measured/kernels/zoo-1t")));
        SOURCES.put("epyc", new Source("epyc 1t", Path.of("data/measured/kernels-epyc/zoo-1t")));
        SOURCES.put("xeon167", new Source("xeon167 1t", Path.of("data/measured/kernels-xeon167/zoo-1t")));
        TARGETS.add(new Target("EPYC 1t", Path.of("data/measured/kernels-epyc/zoo-pool-1t"), Path.of("data/measured/kernels-epyc/torchvision-1t"),
                "xeon-s7", "xeon167"));
        TARGETS.add(new Target("Xeon167 1t", Path.of("data/measured/kernels-xeon167/zoo-pool-1t"),
                Path.of("data/measured/kernels-xeon167/torchvision-1t"), "xeon-s7", "epyc"));
        TARGETS.add(new Target("Xeon s7 2t", Path.of("data/measured/kernels/zoo-2t"), Path.of("data/measured/kernels/torchvision-2t"), "epyc",
                "xeon167"));
    }

    /** Torchvision family -> the zoo family held out when predicting it (KernelModelCheck's mapping; the zoo has no swin). */
    static final Map<String, String> HELD_OUT = Map.ofEntries(Map.entry("resnet", "resnet"), Map.entry("resnext", "resnet"),
            Map.entry("wide_resnet", "resnet"), Map.entry("mobilenetv2", "mobilenetv2"), Map.entry("mnasnet", "mobilenetv2"),
            Map.entry("mobilenetv3", "mobilenetv3"), Map.entry("efficientnet", "efficientnet"), Map.entry("efficientnet_v2", "efficientnet"),
            Map.entry("shufflenetv2", "shufflenetv2"), Map.entry("regnet", "regnet"), Map.entry("densenet", "densenet"),
            Map.entry("vit", "vit"), Map.entry("swin", "vit"));

    static final int DRAWS = 10, KNOWN = 20, POOL = 40;
    static Path cache = Path.of("/tmp/s13-fits");

    public static void main(String[] args) throws IOException {
        String mode = args.length > 0 ? args[0] : "rule";
        if (args.length > 1) cache = Path.of(args[1]);
        Files.createDirectories(cache);
        long t0 = System.nanoTime();
        switch (mode) {
            case "fits" -> {
                for (String s : SOURCES.keySet()) fit(s, "");
                for (String s : SOURCES.keySet()) for (String held : new TreeSet<>(HELD_OUT.values())) fit(s, held);
            }
            case "rule" -> rule();
            case "torchvision" -> torchvision();
            case "diagnose" -> diagnose();
            case "ceiling" -> ceiling();
            default -> throw new IllegalArgumentException("mode: fits, rule, torchvision, diagnose or ceiling");
        }
        System.out.printf(Locale.ROOT, "%ntook %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    // ---------------------------------------------------------------- source fits (cached)

    static final Map<String, List<KernelCorpus.Model>> CORPORA = new HashMap<>();

    /** The source's kernel model fitted on its zoo corpus without {@code held} ("" = the full corpus), as KernelModelCheck fits it. */
    static KernelCostModel fit(String source, String held) {
        Path file = cache.resolve(source + "-" + (held.isEmpty() ? "all" : "no-" + held) + ".json");
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                return (KernelCostModel) KernelModelFile.read(in, file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        long t0 = System.nanoTime();
        List<KernelCorpus.Model> zoo = CORPORA.computeIfAbsent(source, s -> KernelCorpus.read(SOURCES.get(s).zoo()));
        List<KernelCorpus.Model> train = zoo.stream().filter(m -> !m.family().equals(held)).toList();
        var prov = new KernelCostModel.Provenance(source, SOURCES.get(source).name(), train.size(), 0, List.of(), KernelFeatures.VERSION, "");
        KernelCostModel f = KernelCostModel.fitPoint(train, BoostedTrees.Params.defaults(), prov);
        try {
            Path tmp = Files.createTempFile(cache, "fit", ".tmp");
            Files.writeString(tmp, KernelModelFile.toJson(f));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.printf(Locale.ROOT, "fit %s without '%s': %d models, %.1f s, calibration %s%n", source, held, train.size(),
                (System.nanoTime() - t0) / 1e9, f.calibration());
        return f;
    }

    // ---------------------------------------------------------------- the candidate

    /**
     * Two source models combined per kernel group in log space, fitted on the target's profiled kernel times, with the
     * product's correction trees and group factors on top (the definition in kernels.md, session 13).
     *
     * @param alpha per group: the intercept of the log-space combination
     * @param weight per group: the weight w of source A (1 − w of source B), in [0, 1]
     * @param gapMs the per-kernel term added to each combined kernel time before the group factors
     */
    record TwoSource(KernelCostModel a, KernelCostModel b, double[] alpha, double[] weight, double gapMs, BoostedTrees correction, double[] scales,
            double overheadMs, double shrinkage) implements Function<List<KernelShape>, Double> {
        static final int GROUPS = KernelKind.Group.values().length;
        static final int MIN_KERNELS = 30;

        /** The combined kernel time (an estimate of the target's profiled time) before correction. */
        double combined(KernelShape k) {
            int g = KernelKind.of(k).group().ordinal();
            return Math.exp(alpha[g] + weight[g] * Math.log(a.kernelMs(k)) + (1 - weight[g]) * Math.log(b.kernelMs(k)));
        }

        double kernelMs(KernelShape k) {
            double ms = combined(k);
            if (correction != null) ms *= Math.exp(correction.predict(KernelFeatures.of(k)));
            return ms + gapMs;
        }

        /** The predicted sum of the target's profiled kernel times (combined and corrected, no gap, no factors). */
        double sumMs(List<KernelShape> kernels) {
            double s = 0;
            for (KernelShape k : kernels) s += kernelMs(k) - gapMs;
            return s;
        }

        double[] groupTimes(List<KernelShape> kernels) {
            double[] t = new double[GROUPS];
            for (KernelShape k : kernels) t[KernelKind.of(k).group().ordinal()] += kernelMs(k);
            return t;
        }

        @Override
        public Double apply(List<KernelShape> kernels) {
            double[] t = groupTimes(kernels);
            double y = overheadMs;
            for (int g = 0; g < GROUPS; g++) y += scales[g] * t[g];
            return Math.max(1e-6, y);
        }

        /**
         * Fits the candidate. {@code single}: the reimplementation check (w = 1, α = 0, source A's gap: must reproduce
         * the product's {@link DeviceAdaptation#fitProfiled} on source A).
         */
        static TwoSource fit(KernelCostModel a, KernelCostModel b, List<KernelCorpus.Model> known, boolean single) {
            // 1. the log-space combination, per kernel group, weighted like the correction (√ms)
            @SuppressWarnings("unchecked")
            List<double[]>[] rows = new List[GROUPS + 1]; // per group: {ln a − ln b, ln y − ln b, weight}; index GROUPS: all
            for (int g = 0; g <= GROUPS; g++) rows[g] = new ArrayList<>();
            for (KernelCorpus.Model m : known)
                for (ProfiledKernel k : m.kernels()) {
                    if (!(k.ms() > 0)) continue;
                    double la = Math.log(a.kernelMs(k.shape())), lb = Math.log(b.kernelMs(k.shape()));
                    double[] r = {la - lb, Math.log(k.ms()) - lb, Math.sqrt(k.ms())};
                    rows[KernelKind.of(k.shape()).group().ordinal()].add(r);
                    rows[GROUPS].add(r);
                }
            double[] pooled = single ? new double[] {0, 1} : blend(rows[GROUPS]);
            double[] alpha = new double[GROUPS], weight = new double[GROUPS];
            for (int g = 0; g < GROUPS; g++) {
                double[] aw = single ? pooled : rows[g].size() >= MIN_KERNELS ? blend(rows[g]) : pooled;
                alpha[g] = aw[0];
                weight[g] = aw[1];
            }
            KernelCostModel.Calibration ca = a.calibration(), cb = b.calibration();
            double gap = pooled[1] * ca.perKernelMs() / ca.scale() + (1 - pooled[1]) * cb.perKernelMs() / cb.scale();
            TwoSource raw = new TwoSource(a, b, alpha, weight, gap, null, null, 0, 0);
            // 2. the product's correction trees, on the log ratio of the profiled to the combined kernel time
            List<double[]> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>(), ws = new ArrayList<>();
            for (KernelCorpus.Model m : known)
                for (ProfiledKernel k : m.kernels()) {
                    if (!(k.ms() > 0)) continue;
                    xs.add(KernelFeatures.of(k.shape()));
                    ys.add(Math.log(k.ms() / raw.combined(k.shape())));
                    ws.add(Math.sqrt(k.ms()));
                }
            BoostedTrees correction = xs.size() < 20 ? null : BoostedTrees.fit(xs.toArray(double[][]::new),
                    ys.stream().mapToDouble(Double::doubleValue).toArray(), ws.stream().mapToDouble(Double::doubleValue).toArray(), CORRECTION);
            TwoSource unscaled = new TwoSource(a, b, alpha, weight, gap, correction, null, 0, 0);
            // 3. the product's group factors and overhead, shrunk towards one factor by leave-one-out (DeviceAdaptation.fit)
            int n = known.size();
            double[][] t = new double[n][];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                t[i] = unscaled.groupTimes(known.get(i).shapes());
                y[i] = known.get(i).latencyMs();
            }
            double bestLambda = chooseShrinkage(t, y);
            double[] s = solve(t, y, bestLambda, -1);
            return new TwoSource(a, b, alpha, weight, gap, correction, Arrays.copyOf(s, GROUPS), s[GROUPS], bestLambda);
        }

        /** Weighted least squares of z = α + w·x, w clipped to [0, 1] (α refitted for the clipped w): {α, w}. */
        static double[] blend(List<double[]> rows) {
            double sw = 0, sx = 0, sz = 0;
            for (double[] r : rows) {
                sw += r[2];
                sx += r[2] * r[0];
                sz += r[2] * r[1];
            }
            double mx = sx / sw, mz = sz / sw, sxx = 0, sxz = 0;
            for (double[] r : rows) {
                sxx += r[2] * (r[0] - mx) * (r[0] - mx);
                sxz += r[2] * (r[0] - mx) * (r[1] - mz);
            }
            double w = sxx > 1e-12 * sw ? sxz / sxx : 0.5;
            w = Math.max(0, Math.min(1, w));
            return new double[] {mz - w * mx, w};
        }
    }

    // the product's constants (DeviceAdaptation.CORRECTION, DeviceAdaptation.SHRINKAGES), package-private there
    static final BoostedTrees.Params CORRECTION = new BoostedTrees.Params(100, 4, 0.1, 1e-3, 1e-3, 0.8, 11);
    static final double[] SHRINKAGES = {0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 100, 1e4};
    static final int GROUPS = TwoSource.GROUPS;

    static boolean allPositive(double[] s) {
        for (int g = 0; g < GROUPS; g++) if (!(s[g] > 0)) return false;
        return true;
    }

    static double predict(double[] s, double[] t) {
        double y = s[GROUPS];
        for (int g = 0; g < GROUPS; g++) y += s[g] * t[g];
        return y;
    }

    /** DeviceAdaptation.solve, the same arithmetic: relative least squares, factors shrunk towards the common factor. */
    static double[] solve(double[][] t, double[] y, double lambda, int skip) {
        int n = t.length;
        double[][] a2 = new double[2][2];
        double[] b2 = new double[2];
        for (int i = 0; i < n; i++) {
            if (i == skip) continue;
            double w = 1 / (y[i] * y[i]);
            double[] x = {Arrays.stream(t[i]).sum(), 1};
            for (int p = 0; p < 2; p++) {
                b2[p] += w * x[p] * y[i];
                for (int q = 0; q < 2; q++) a2[p][q] += w * x[p] * x[q];
            }
        }
        double[] common = LinearSolve.solve(ridge(a2, 1e-12), b2);
        int d = GROUPS + 1;
        double[][] a = new double[d][d];
        double[] b = new double[d];
        for (int i = 0; i < n; i++) {
            if (i == skip) continue;
            double w = 1 / (y[i] * y[i]);
            double[] x = Arrays.copyOf(t[i], d);
            x[GROUPS] = 1;
            for (int p = 0; p < d; p++) {
                b[p] += w * x[p] * y[i];
                for (int q = 0; q < d; q++) a[p][q] += w * x[p] * x[q];
            }
        }
        for (int g = 0; g < GROUPS; g++) {
            double scale = Math.max(a[g][g], 1e-12);
            a[g][g] += lambda * scale;
            b[g] += lambda * scale * common[0];
        }
        for (int g = 0; g < GROUPS; g++) {
            if (a[g][g] <= 1e-10) {
                a[g][g] = 1;
                b[g] = common[0];
            }
        }
        return LinearSolve.solve(ridge(a, 1e-12), b);
    }

    static double[][] ridge(double[][] a, double eps) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
            c[i][i] += eps * Math.max(1, Math.abs(c[i][i]));
        }
        return c;
    }

    // ---------------------------------------------------------------- the checks

    static final List<String> METHODS = List.of("single A", "single B", "two sources");

    record Score(double within, double medianErr, double spearman) {}

    static Score score(List<KernelCorpus.Model> test, ToDoubleFunction<KernelCorpus.Model> f) {
        double[] p = test.stream().mapToDouble(f).toArray(), a = test.stream().mapToDouble(KernelCorpus.Model::latencyMs).toArray();
        return new Score(Metrics.withinTolerance(p, a, 0.10), medianAbsRel(p, a), Metrics.spearman(p, a));
    }

    static void rule() {
        System.out.println("# Session 13 RULE rows: each target's pool of 40 zoo models (seed 2), 10 draws of 20 known; scored on the other 20;");
        System.out.println("# source fits on their full zoo corpora; single sources = DeviceAdaptation.fitProfiled (the product)");
        List<double[]> perTarget = new ArrayList<>(); // {candidate w, better single w}
        boolean everyTarget = true;
        for (Target target : TARGETS) {
            KernelCostModel a = fit(target.a(), ""), b = fit(target.b(), "");
            List<KernelCorpus.Model> pool = KernelCorpus.read(target.pool()).stream().limit(POOL).toList();
            Map<String, List<Score>> scores = new LinkedHashMap<>();
            List<double[]> weights = new ArrayList<>();
            double maxReimplDiff = 0;
            long t0 = System.nanoTime();
            for (int draw = 0; draw < DRAWS; draw++) {
                List<KernelCorpus.Model> known = draw(pool, KNOWN, draw);
                List<KernelCorpus.Model> rest = pool.stream().filter(m -> !known.contains(m)).toList();
                DeviceAdaptation da = DeviceAdaptation.fitProfiled(target.name(), a, known), db = DeviceAdaptation.fitProfiled(target.name(), b, known);
                TwoSource two = TwoSource.fit(a, b, known, false);
                TwoSource check = TwoSource.fit(a, b, known, true);
                for (KernelCorpus.Model m : rest)
                    maxReimplDiff = Math.max(maxReimplDiff, Math.abs(check.apply(m.shapes()) / da.predict(m.shapes()).ms() - 1));
                scores.computeIfAbsent("single A", k -> new ArrayList<>()).add(score(rest, m -> da.predict(m.shapes()).ms()));
                scores.computeIfAbsent("single B", k -> new ArrayList<>()).add(score(rest, m -> db.predict(m.shapes()).ms()));
                scores.computeIfAbsent("two sources", k -> new ArrayList<>()).add(score(rest, m -> two.apply(m.shapes())));
                double[] wr = new double[GROUPS * 2 + 1];
                for (int g = 0; g < GROUPS; g++) {
                    wr[g] = two.weight()[g];
                    wr[GROUPS + g] = two.scales()[g];
                }
                wr[2 * GROUPS] = two.shrinkage();
                weights.add(wr);
            }
            System.out.printf(Locale.ROOT, "%n## target %s <- A = %s, B = %s (%.1f s; reimplementation check: max |ratio − 1| to the product's single-source A %.2e)%n",
                    target.name(), SOURCES.get(target.a()).name(), SOURCES.get(target.b()).name(), (System.nanoTime() - t0) / 1e9, maxReimplDiff);
            Map<String, double[]> summary = table(scores);
            System.out.print("weight of A per group (dense, pointwise, sparse, matmul, memory), per draw:");
            for (double[] wr : weights) {
                System.out.print(" [");
                for (int g = 0; g < GROUPS; g++) System.out.printf(Locale.ROOT, "%s%.2f", g == 0 ? "" : " ", wr[g]);
                System.out.printf(Locale.ROOT, " | shrink %s]", wr[2 * GROUPS]);
            }
            System.out.println();
            double[] sa = summary.get("single A"), sb = summary.get("single B"), sc = summary.get("two sources");
            double[] better = sa[0] > sb[0] || (sa[0] == sb[0] && sa[1] <= sb[1]) ? sa : sb;
            String betterName = better == sa ? "single A" : "single B";
            boolean share = sc[0] >= better[0] - 1e-12, err = sc[1] <= better[1] + 1e-12;
            everyTarget &= share && err;
            perTarget.add(new double[] {sc[0], better[0]});
            System.out.printf(Locale.ROOT, "RULE %s: better single source = %s (%.1f %%, %.1f %%); two sources %.1f %%, %.1f %%: share >= %s, median error <= %s%n",
                    target.name(), betterName, 100 * better[0], 100 * better[1], 100 * sc[0], 100 * sc[1], share ? "yes" : "NO", err ? "yes" : "NO");
        }
        double gain = perTarget.stream().mapToDouble(v -> v[0] - v[1]).average().orElseThrow();
        boolean pass = everyTarget && gain >= 0.03 - 1e-12;
        System.out.printf(Locale.ROOT, "%nRULE: every target share and median error: %s; mean gain over the better single source %+.1f points (needs >= +3.0): %s%n",
                everyTarget ? "yes" : "NO", 100 * gain, gain >= 0.03 - 1e-12 ? "yes" : "NO");
        System.out.println("RULE VERDICT: " + (pass ? "PASS" : "FAIL"));
    }

    static void torchvision() {
        System.out.println("# Session 13 torchvision check (after the rule): each target's torchvision models, 10 draws of 20 known from its pool;");
        System.out.println("# each model predicted from source fits without the zoo family closest to it (KernelModelCheck's mapping)");
        List<String> helds = new ArrayList<>(new TreeSet<>(HELD_OUT.values()));
        helds.add(0, "");
        for (Target target : TARGETS) {
            Map<String, KernelCostModel> fa = new HashMap<>(), fb = new HashMap<>();
            for (String h : helds) {
                fa.put(h, fit(target.a(), h));
                fb.put(h, fit(target.b(), h));
            }
            List<KernelCorpus.Model> pool = KernelCorpus.read(target.pool()).stream().limit(POOL).toList();
            List<KernelCorpus.Model> tv = KernelCorpus.read(target.torchvision());
            Map<String, List<Score>> scores = new LinkedHashMap<>();
            Map<String, double[]> byFamily = new java.util.TreeMap<>(); // family|method -> sum of within over draws, count
            long t0 = System.nanoTime();
            for (int draw = 0; draw < DRAWS; draw++) {
                List<KernelCorpus.Model> known = draw(pool, KNOWN, draw);
                Map<String, DeviceAdaptation> da = new HashMap<>(), db = new HashMap<>();
                Map<String, TwoSource> two = new HashMap<>();
                for (String h : helds) {
                    da.put(h, DeviceAdaptation.fitProfiled(target.name(), fa.get(h), known));
                    db.put(h, DeviceAdaptation.fitProfiled(target.name(), fb.get(h), known));
                    two.put(h, TwoSource.fit(fa.get(h), fb.get(h), known, false));
                }
                Function<KernelCorpus.Model, String> held = m -> HELD_OUT.getOrDefault(m.family(), "");
                Map<String, ToDoubleFunction<KernelCorpus.Model>> methods = new LinkedHashMap<>();
                methods.put("single A", m -> da.get(held.apply(m)).predict(m.shapes()).ms());
                methods.put("single B", m -> db.get(held.apply(m)).predict(m.shapes()).ms());
                methods.put("two sources", m -> two.get(held.apply(m)).apply(m.shapes()));
                methods.forEach((name, f) -> {
                    scores.computeIfAbsent(name, k -> new ArrayList<>()).add(score(tv, f));
                    for (KernelCorpus.Model m : tv) {
                        double[] acc = byFamily.computeIfAbsent(m.family() + "|" + name, k -> new double[2]);
                        acc[0] += Math.abs(f.applyAsDouble(m) / m.latencyMs() - 1) <= 0.10 ? 1 : 0;
                        acc[1]++;
                    }
                });
            }
            System.out.printf(Locale.ROOT, "%n## target %s <- A = %s, B = %s: %d torchvision models (%.1f s)%n", target.name(),
                    SOURCES.get(target.a()).name(), SOURCES.get(target.b()).name(), tv.size(), (System.nanoTime() - t0) / 1e9);
            table(scores);
            System.out.println("| family | single A | single B | two sources | (within ±10 %, over all draws) |");
            System.out.println("|---|---|---|---|---|");
            for (String fam : new TreeSet<>(tv.stream().map(KernelCorpus.Model::family).toList())) {
                System.out.print("| " + fam);
                for (String meth : METHODS) {
                    double[] acc = byFamily.get(fam + "|" + meth);
                    System.out.printf(Locale.ROOT, " | %.0f %%", 100 * acc[0] / acc[1]);
                }
                System.out.println(" | |");
            }
        }
    }

    /** The product's group-factor fit (as in TwoSource.fit) from given group times: the factors and the overhead. */
    static double[] factors(double[][] t, double[] y) {
        return solve(t, y, chooseShrinkage(t, y), -1);
    }

    /** The shrinkage strength the product chooses: lowest leave-one-out error among those keeping every factor positive. */
    static double chooseShrinkage(double[][] t, double[] y) {
        int n = y.length;
        List<Double> candidates = new ArrayList<>();
        for (double lambda : SHRINKAGES) if (allPositive(solve(t, y, lambda, -1))) candidates.add(lambda);
        if (candidates.isEmpty()) throw new IllegalArgumentException("no positive group factors");
        double best = Double.NaN, bestLambda = candidates.get(candidates.size() - 1);
        for (double lambda : candidates) {
            double err = 0;
            for (int out = 0; out < n; out++) err += Math.abs(predict(solve(t, y, lambda, out), t[out]) / y[out] - 1);
            err /= n;
            if (Double.isNaN(best) || err < best - 1e-12) {
                best = err;
                bestLambda = lambda;
            }
        }
        return bestLambda;
    }

    static double[] profiledGroupTimes(KernelCorpus.Model m) {
        double[] t = new double[GROUPS];
        for (ProfiledKernel k : m.kernels()) if (k.ms() > 0) t[KernelKind.of(k.shape()).group().ordinal()] += k.ms();
        return t;
    }

    /**
     * Diagnostics, run after the rule's decision (they decide nothing): on the RULE rows, (1) how close each method's
     * predicted kernel times come to the held-back models' profiled kernel sums, and (2) the model-level ceiling: the
     * held-back models' own profiled kernel times put through the product's group factors fitted on the known models'
     * profiled kernel times (what a perfect kernel model would give with today's calibration layer).
     */
    static void diagnose() {
        System.out.println("# Session 13 diagnostics (after the decision): RULE rows; kernel sums against the profiled sums, and the model-level ceiling");
        for (Target target : TARGETS) {
            KernelCostModel a = fit(target.a(), ""), b = fit(target.b(), "");
            List<KernelCorpus.Model> pool = KernelCorpus.read(target.pool()).stream().limit(POOL).toList();
            Map<String, List<Score>> sums = new LinkedHashMap<>(), ceiling = new LinkedHashMap<>();
            for (int draw = 0; draw < DRAWS; draw++) {
                List<KernelCorpus.Model> known = draw(pool, KNOWN, draw);
                List<KernelCorpus.Model> rest = pool.stream().filter(m -> !known.contains(m)).toList();
                TwoSource sa = TwoSource.fit(a, b, known, true), sb = TwoSource.fit(b, a, known, true), two = TwoSource.fit(a, b, known, false);
                ToDoubleFunction<KernelCorpus.Model> profiled = KernelCorpus.Model::profiledMs;
                sums.computeIfAbsent("single A: kernel sum", k -> new ArrayList<>()).add(scoreAgainst(rest, m -> sa.sumMs(m.shapes()), profiled));
                sums.computeIfAbsent("single B: kernel sum", k -> new ArrayList<>()).add(scoreAgainst(rest, m -> sb.sumMs(m.shapes()), profiled));
                sums.computeIfAbsent("two sources: kernel sum", k -> new ArrayList<>()).add(scoreAgainst(rest, m -> two.sumMs(m.shapes()), profiled));
                sums.computeIfAbsent("source A uncorrected: kernel sum", k -> new ArrayList<>()).add(scoreAgainst(rest,
                        m -> m.shapes().stream().mapToDouble(a::kernelMs).sum(), profiled));
                double[][] t = known.stream().map(MultiSourceCheck::profiledGroupTimes).toArray(double[][]::new);
                double[] s = factors(t, known.stream().mapToDouble(KernelCorpus.Model::latencyMs).toArray());
                ceiling.computeIfAbsent("profiled kernel times + group factors (ceiling)", k -> new ArrayList<>()).add(
                        score(rest, m -> predict(s, profiledGroupTimes(m))));
            }
            System.out.printf(Locale.ROOT, "%n## target %s <- A = %s, B = %s: predicted kernel sums against the profiled sums of the 20 held back%n",
                    target.name(), SOURCES.get(target.a()).name(), SOURCES.get(target.b()).name());
            table(sums);
            System.out.println("latency against measured, from the held-back models' own profiled kernel times:");
            table(ceiling);
        }
    }

    /**
     * The model-level ceiling without any kernel model (after the decision; decides nothing): latency from the models'
     * own profiled kernel times, by (a) the product's group factors and overhead fitted on the 20 known models, (b) the
     * product's calibration form (scale × profiled sum + per-kernel ms × kernels + overhead, KernelCostModel.calibrate)
     * fitted on the 20 known, (c) form (b) fitted on all 40 of the pool and scored on them (in-sample). Scored on the
     * pool's other 20 (a, b) and on the target's torchvision models (a, b: same fits; c: fitted on the 40 zoo models).
     */
    static void ceiling() {
        System.out.println("# Session 13 model-level ceiling (after the decision): latency from each model's own profiled kernel times");
        for (Target target : TARGETS) {
            List<KernelCorpus.Model> pool = KernelCorpus.read(target.pool()).stream().limit(POOL).toList();
            List<KernelCorpus.Model> tv = KernelCorpus.read(target.torchvision());
            Map<String, List<Score>> rows = new LinkedHashMap<>();
            for (int draw = 0; draw < DRAWS; draw++) {
                List<KernelCorpus.Model> known = draw(pool, KNOWN, draw);
                List<KernelCorpus.Model> rest = pool.stream().filter(m -> !known.contains(m)).toList();
                double[][] t = known.stream().map(MultiSourceCheck::profiledGroupTimes).toArray(double[][]::new);
                double[] s = factors(t, known.stream().mapToDouble(KernelCorpus.Model::latencyMs).toArray());
                double[] c = calibrate(known);
                rows.computeIfAbsent("zoo rest: group factors (20 known)", k -> new ArrayList<>()).add(score(rest, m -> predict(s, profiledGroupTimes(m))));
                rows.computeIfAbsent("zoo rest: scale·sum + per-kernel + overhead (20 known)", k -> new ArrayList<>()).add(score(rest, m -> calibrated(c, m)));
                rows.computeIfAbsent("torchvision: group factors (20 known)", k -> new ArrayList<>()).add(score(tv, m -> predict(s, profiledGroupTimes(m))));
                rows.computeIfAbsent("torchvision: scale·sum + per-kernel + overhead (20 known)", k -> new ArrayList<>()).add(score(tv, m -> calibrated(c, m)));
            }
            double[] all = calibrate(pool);
            rows.put("zoo pool of 40, in-sample: scale·sum + per-kernel + overhead (all 40)", List.of(score(pool, m -> calibrated(all, m))));
            rows.put("torchvision: scale·sum + per-kernel + overhead (all 40 zoo)", List.of(score(tv, m -> calibrated(all, m))));
            rows.put("torchvision: profiled sum alone (no calibration)", List.of(score(tv, KernelCorpus.Model::profiledMs)));
            System.out.printf(Locale.ROOT, "%n## target %s (calibration on all 40: scale %.3f, per-kernel %.4f ms, overhead %.3f ms)%n", target.name(),
                    all[0], all[1], all[2]);
            table(rows);
        }
    }

    /** KernelCostModel.calibrate's form: latency ≈ scale × profiled sum + perKernel × kernels + overhead, relative least squares. */
    static double[] calibrate(List<KernelCorpus.Model> corpus) {
        double[][] a = new double[3][3];
        double[] b = new double[3];
        for (KernelCorpus.Model m : corpus) {
            double[] x = {m.profiledMs(), m.kernels().size(), 1};
            double wt = 1 / (m.latencyMs() * m.latencyMs());
            for (int i = 0; i < 3; i++) {
                b[i] += wt * x[i] * m.latencyMs();
                for (int j = 0; j < 3; j++) a[i][j] += wt * x[i] * x[j];
            }
        }
        for (int i = 0; i < 3; i++) a[i][i] *= 1 + 1e-9;
        return LinearSolve.solve(a, b);
    }

    static double calibrated(double[] c, KernelCorpus.Model m) {
        return Math.max(1e-6, c[0] * m.profiledMs() + c[1] * m.kernels().size() + c[2]);
    }

    static Score scoreAgainst(List<KernelCorpus.Model> test, ToDoubleFunction<KernelCorpus.Model> f, ToDoubleFunction<KernelCorpus.Model> truth) {
        double[] p = test.stream().mapToDouble(f).toArray(), a = test.stream().mapToDouble(truth).toArray();
        return new Score(Metrics.withinTolerance(p, a, 0.10), medianAbsRel(p, a), Metrics.spearman(p, a));
    }

    /** Prints the methods' medians over draws (min–max of the share); returns method -> {median share, median error, median Spearman}. */
    static Map<String, double[]> table(Map<String, List<Score>> scores) {
        System.out.println("| method | within ±10 % (median of draws; min–max) | median abs error | Spearman | per draw within ±10 % |");
        System.out.println("|---|---|---|---|---|");
        Map<String, double[]> out = new LinkedHashMap<>();
        scores.forEach((method, list) -> {
            double[] w = list.stream().mapToDouble(Score::within).sorted().toArray();
            double[] e = list.stream().mapToDouble(Score::medianErr).sorted().toArray();
            double[] s = list.stream().mapToDouble(Score::spearman).sorted().toArray();
            double mw = median(w), me = median(e), ms = median(s);
            StringBuilder per = new StringBuilder();
            for (Score sc : list) per.append(String.format(Locale.ROOT, "%s%.0f", per.isEmpty() ? "" : " ", 100 * sc.within()));
            System.out.printf(Locale.ROOT, "| %s | %.1f %% (%.1f–%.1f) | %.1f %% | %.3f | %s |%n", method, 100 * mw, 100 * w[0], 100 * w[w.length - 1],
                    100 * me, ms, per);
            out.put(method, new double[] {mw, me, ms});
        });
        return out;
    }

    /** The median of draws as KernelModelCheck takes it: the value at index n / 2 of the sorted values (the 6th of 10). */
    static double median(double[] s) {
        return s[s.length / 2];
    }

    /** KernelModelCheck's draw: the first k of the pool shuffled with seed 1000 + draw. */
    static List<KernelCorpus.Model> draw(List<KernelCorpus.Model> pool, int k, long seed) {
        return KernelModelCheck.draw(pool, k, seed);
    }

    static double medianAbsRel(double[] p, double[] a) {
        return KernelModelCheck.medianAbsRel(p, a);
    }
}
