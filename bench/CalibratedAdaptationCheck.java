import dev.halo.kernel.BoostedTrees;
import dev.halo.kernel.DeviceAdaptation;
import dev.halo.kernel.KernelCorpus;
import dev.halo.kernel.KernelCostModel;
import dev.halo.kernel.KernelFeatures;
import dev.halo.kernel.KernelKind;
import dev.halo.kernel.KernelModelFile;
import dev.halo.kernel.KernelShape;
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
 * Issue 14, session 13 (docs/results/kernels.md, "the kernel-to-latency step of the adaptation"): the product's
 * profiled adaptation ({@link DeviceAdaptation#fitProfiled}: correction trees, then five group factors shrunk by
 * leave-one-out) against the same correction followed by a three-term calibration, scale × corrected kernel sum +
 * per-kernel ms × kernels + overhead, fitted by relative least squares on the known latencies.
 *
 * <p>Modes: {@code rule} (the model-167 Xeon's unread pool zoo-seed11-1t, 10 draws of 20 known, scored on the other
 * 280, sources Xeon s7 and EPYC at 1 thread) and {@code torchvision} (after the rule: the three targets of
 * bench/MultiSourceCheck.java, their pools of 40, source fits without the zoo family closest to each torchvision model).
 * Source fits, draws, scores and tables are MultiSourceCheck's (the launcher compiles it from this folder); its fits are
 * read from (or written to) CACHE_DIR.
 * Usage: java -cp "$CP" bench/CalibratedAdaptationCheck.java rule|torchvision [CACHE_DIR]
 */
public class CalibratedAdaptationCheck {
    record Target(String name, Path pool, int poolSize, Path torchvision, List<String> sources) {}

    static final Target RULE_TARGET = new Target("Xeon167 1t (zoo-seed11-1t)", Path.of("data/measured/kernels-xeon167/zoo-seed11-1t"), Integer.MAX_VALUE,
            null, List.of("xeon-s7", "epyc"));
    static final List<Target> TORCHVISION_TARGETS = List.of(
            new Target("EPYC 1t", Path.of("data/measured/kernels-epyc/zoo-pool-1t"), 40, Path.of("data/measured/kernels-epyc/torchvision-1t"),
                    List.of("xeon-s7", "xeon167")),
            new Target("Xeon167 1t", Path.of("data/measured/kernels-xeon167/zoo-pool-1t"), 40, Path.of("data/measured/kernels-xeon167/torchvision-1t"),
                    List.of("xeon-s7", "epyc")),
            new Target("Xeon s7 2t", Path.of("data/measured/kernels/zoo-2t"), 40, Path.of("data/measured/kernels/torchvision-2t"), List.of("epyc", "xeon167")));

    static final int DRAWS = 10, KNOWN = 20;
    static int fallbacks;

    public static void main(String[] args) throws IOException {
        String mode = args.length > 0 ? args[0] : "rule";
        if (args.length > 1) MultiSourceCheck.cache = Path.of(args[1]);
        Files.createDirectories(MultiSourceCheck.cache);
        long t0 = System.nanoTime();
        switch (mode) {
            case "rule" -> rule();
            case "torchvision" -> torchvision();
            default -> throw new IllegalArgumentException("mode: rule or torchvision");
        }
        System.out.printf(Locale.ROOT, "%ntook %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** The candidate: the product's correction, then scale × T + perKernel × kernels + overhead on the known latencies. */
    record Calibrated(DeviceAdaptation product, DeviceAdaptation unscaled, double[] coefficients) {
        static Calibrated fit(String device, KernelCostModel source, List<KernelCorpus.Model> known) {
            DeviceAdaptation product = DeviceAdaptation.fitProfiled(device, source, known);
            double[] ones = new double[KernelKind.Group.values().length];
            Arrays.fill(ones, 1);
            DeviceAdaptation unscaled = new DeviceAdaptation(device, source, product.correction(), ones, 0, 0, Double.NaN, known.size());
            double[][] a = new double[3][3];
            double[] b = new double[3];
            for (KernelCorpus.Model m : known) {
                double[] x = {unscaled.predict(m.shapes()).ms(), m.shapes().size(), 1};
                double w = 1 / (m.latencyMs() * m.latencyMs());
                for (int i = 0; i < 3; i++) {
                    b[i] += w * x[i] * m.latencyMs();
                    for (int j = 0; j < 3; j++) a[i][j] += w * x[i] * x[j];
                }
            }
            for (int i = 0; i < 3; i++) a[i][i] *= 1 + 1e-9;
            double[] c = LinearSolve.solve(a, b);
            if (!(c[0] > 0)) {
                fallbacks++;
                c = null;
            }
            return new Calibrated(product, unscaled, c);
        }

        double predict(List<KernelShape> shapes) {
            if (coefficients == null) return product.predict(shapes).ms();
            return Math.max(1e-6, coefficients[0] * unscaled.predict(shapes).ms() + coefficients[1] * shapes.size() + coefficients[2]);
        }
    }

    static void rule() {
        System.out.println("# Session 13 rule: the model-167 Xeon's zoo-seed11-1t (no rule has read it), 10 draws of 20 known, scored on the others;");
        System.out.println("# product = DeviceAdaptation.fitProfiled; candidate = its correction + scale x sum + per-kernel + overhead");
        List<KernelCorpus.Model> pool = KernelCorpus.read(RULE_TARGET.pool()).stream().filter(m -> !m.singleKernel()).toList();
        boolean pass = true;
        for (String s : RULE_TARGET.sources()) {
            KernelCostModel source = MultiSourceCheck.fit(s, "");
            Map<String, List<MultiSourceCheck.Score>> scores = new LinkedHashMap<>();
            List<double[]> coefficients = new ArrayList<>();
            int before = fallbacks;
            long t0 = System.nanoTime();
            for (int draw = 0; draw < DRAWS; draw++) {
                List<KernelCorpus.Model> known = MultiSourceCheck.draw(pool, KNOWN, draw);
                List<KernelCorpus.Model> rest = pool.stream().filter(m -> !known.contains(m)).toList();
                Calibrated c = Calibrated.fit(RULE_TARGET.name(), source, known);
                scores.computeIfAbsent("product (group factors)", k -> new ArrayList<>()).add(MultiSourceCheck.score(rest, m -> c.product().predict(m.shapes()).ms()));
                scores.computeIfAbsent("candidate (three-term calibration)", k -> new ArrayList<>()).add(MultiSourceCheck.score(rest, m -> c.predict(m.shapes())));
                if (c.coefficients() != null) coefficients.add(c.coefficients());
            }
            System.out.printf(Locale.ROOT, "%n## source %s: %d pool models, scored on %d per draw (%.1f s); fallbacks to the group factors: %d of %d%n",
                    MultiSourceCheck.SOURCES.get(s).name(), pool.size(), pool.size() - KNOWN, (System.nanoTime() - t0) / 1e9, fallbacks - before, DRAWS);
            System.out.print("fitted (scale, per-kernel ms, overhead ms) per draw:");
            for (double[] c : coefficients) System.out.printf(Locale.ROOT, " (%.3f, %.4f, %.3f)", c[0], c[1], c[2]);
            System.out.println();
            Map<String, double[]> t = MultiSourceCheck.table(scores);
            double[] p = t.get("product (group factors)"), c = t.get("candidate (three-term calibration)");
            boolean share = c[0] >= p[0] + 0.03 - 1e-12, err = c[1] <= p[1] + 1e-12;
            pass &= share && err;
            System.out.printf(Locale.ROOT, "RULE %s: share %.1f -> %.1f %% (needs >= +3 points: %s), median error %.1f -> %.1f %% (not higher: %s)%n",
                    MultiSourceCheck.SOURCES.get(s).name(), 100 * p[0], 100 * c[0], share ? "yes" : "NO", 100 * p[1], 100 * c[1], err ? "yes" : "NO");
        }
        System.out.println();
        System.out.println("RULE VERDICT: " + (pass ? "PASS" : "FAIL"));
    }

    static void torchvision() {
        System.out.println("# Session 13 torchvision check (after the rule): each target's pool of 40, 10 draws of 20 known;");
        System.out.println("# each torchvision model predicted from a source fit without the zoo family closest to it");
        List<String> helds = new ArrayList<>(new TreeSet<>(MultiSourceCheck.HELD_OUT.values()));
        helds.add(0, "");
        for (Target target : TORCHVISION_TARGETS) {
            List<KernelCorpus.Model> pool = KernelCorpus.read(target.pool()).stream().limit(target.poolSize()).toList();
            List<KernelCorpus.Model> tv = KernelCorpus.read(target.torchvision());
            for (String s : target.sources()) {
                Map<String, KernelCostModel> fits = new HashMap<>();
                for (String h : helds) fits.put(h, MultiSourceCheck.fit(s, h));
                Map<String, List<MultiSourceCheck.Score>> scores = new LinkedHashMap<>();
                Map<String, double[]> byFamily = new java.util.TreeMap<>();
                long t0 = System.nanoTime();
                for (int draw = 0; draw < DRAWS; draw++) {
                    List<KernelCorpus.Model> known = MultiSourceCheck.draw(pool, KNOWN, draw);
                    Map<String, Calibrated> c = new HashMap<>();
                    for (String h : helds) c.put(h, Calibrated.fit(target.name(), fits.get(h), known));
                    Function<KernelCorpus.Model, Calibrated> of = m -> c.get(MultiSourceCheck.HELD_OUT.getOrDefault(m.family(), ""));
                    Map<String, ToDoubleFunction<KernelCorpus.Model>> methods = new LinkedHashMap<>();
                    methods.put("product", m -> of.apply(m).product().predict(m.shapes()).ms());
                    methods.put("candidate", m -> of.apply(m).predict(m.shapes()));
                    methods.forEach((name, f) -> {
                        scores.computeIfAbsent(name, k -> new ArrayList<>()).add(MultiSourceCheck.score(tv, f));
                        for (KernelCorpus.Model m : tv) {
                            double[] acc = byFamily.computeIfAbsent(m.family() + "|" + name, k -> new double[2]);
                            acc[0] += Math.abs(f.applyAsDouble(m) / m.latencyMs() - 1) <= 0.10 ? 1 : 0;
                            acc[1]++;
                        }
                    });
                }
                System.out.printf(Locale.ROOT, "%n## target %s <- %s: %d torchvision models (%.1f s)%n", target.name(), MultiSourceCheck.SOURCES.get(s).name(), tv.size(),
                        (System.nanoTime() - t0) / 1e9);
                MultiSourceCheck.table(scores);
                StringBuilder fam = new StringBuilder("by family, within ±10 % over all draws (product / candidate):");
                for (String f : new TreeSet<>(tv.stream().map(KernelCorpus.Model::family).toList())) {
                    double[] p = byFamily.get(f + "|product"), c = byFamily.get(f + "|candidate");
                    fam.append(String.format(Locale.ROOT, " %s %.0f/%.0f", f, 100 * p[0] / p[1], 100 * c[0] / c[1]));
                }
                System.out.println(fam);
            }
        }
        System.out.println("fallbacks to the group factors: " + fallbacks);
    }
}
