import dev.halo.kernel.BoostedTrees;
import dev.halo.kernel.KernelCorpus;
import dev.halo.kernel.KernelCostModel;
import dev.halo.kernel.KernelFeatures;
import dev.halo.kernel.KernelKind;
import dev.halo.kernel.ProfiledKernel;
import dev.halo.stats.Metrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The zoo's own leave-one-family-out check of the kernel model (the data choices about the model are made on; no
 * torchvision model is read): every zoo model predicted by the fit that did not see its family, scored per family,
 * and where the error sits: for each held-out family and kernel kind, the summed predicted kernel time (before the
 * model-level calibration) against the summed profiled time, and the share of the family's profiled time in that kind.
 * Usage (after ./halo has built the CLI):
 *   CP="halo-cli/target/halo-cli.jar:$(ls halo-cli/target/lib/*.jar | tr '\n' ':')"
 *   java -cp "$CP" bench/KernelZooCheck.java CORPUS_DIR [CORPUS_DIR ...]   (each a zoo corpus of one device)
 * Tree parameters (defaults: the product's, BoostedTrees.Params.defaults()): -Dtrees=N -Ddepth=N -Dlr=X -DminLeaf=X
 * -Dlambda=X -Dsubsample=X -Dmembers=N (N fits with seeds s..s+N-1 averaged); -Dseeds=7,8 fits once per tree seed (the rows each tree samples) and adds a MEAN line: the
 * shares and errors averaged over the seeds, per family too, so that a choice is not made on one seed's chance.
 * -Dextra=DIR[,DIR...]: corpora of the same device in every fit and never scored, e.g. the single-kernel models of the
 * zoo's "micro" family (kernels no generated network has; only the network families are held out and scored), or
 * another zoo corpus of the same device (its models of the held-out family are left out of that family's fit).
 */
public class KernelZooCheck {
    public static void main(String[] args) throws Exception {
        BoostedTrees.Params d = BoostedTrees.Params.defaults();
        long[] seeds = Arrays.stream(System.getProperty("seeds", System.getProperty("seed", Long.toString(d.seed()))).split(","))
                .mapToLong(Long::parseLong).toArray();
        List<KernelCorpus.Model> extra = extra(); // read once: the same models join every fit of every corpus and seed
        for (String arg : args) {
            List<KernelCorpus.Model> zoo = KernelCorpus.read(Path.of(arg)).stream().filter(m -> !m.singleKernel()).toList();
            List<String> families = List.copyOf(new TreeSet<>(zoo.stream().map(KernelCorpus.Model::family).toList()));
            Map<String, double[]> perFamilySum = new TreeMap<>(); // family -> {within, median abs, median signed} summed over seeds
            double[] allSum = new double[2];
            for (long seed : seeds) {
                BoostedTrees.Params params = new BoostedTrees.Params(Integer.getInteger("trees", d.trees()), Integer.getInteger("depth", d.depth()),
                        doubleProperty("lr", d.learningRate()), doubleProperty("minLeaf", d.minLeafWeight()), doubleProperty("lambda", d.lambda()),
                        doubleProperty("subsample", d.subsample()), seed, Integer.getInteger("members", d.members()));
                double[] scores = check(arg, zoo, extra, families, params, perFamilySum);
                allSum[0] += scores[0];
                allSum[1] += scores[1];
            }
            if (seeds.length > 1) {
                int n = seeds.length;
                System.out.printf(Locale.ROOT, "%n## MEAN over seeds %s, %s: zoo leave-one-family-out: within ±10 %% %.2f %%, median abs error %.3f %%%n",
                        Arrays.toString(seeds), arg, allSum[0] / n, allSum[1] / n);
                System.out.println("| family | within ±10 % | median abs error | median signed error |");
                System.out.println("|---|---|---|---|");
                perFamilySum.forEach((f, v) -> System.out.printf(Locale.ROOT, "| %s | %.1f %% | %.1f %% | %+.1f %% |%n", f, v[0] / n, v[1] / n, v[2] / n));
            }
        }
    }

    /** The single-kernel models (and any other corpus) of -Dextra, in every fit. */
    static List<KernelCorpus.Model> extra() {
        String dirs = System.getProperty("extra", "");
        List<KernelCorpus.Model> out = new ArrayList<>();
        for (String d : dirs.split(",")) if (!d.isBlank()) out.addAll(KernelCorpus.read(Path.of(d)));
        return out;
    }

    static double doubleProperty(String name, double fallback) {
        String v = System.getProperty(name);
        return v == null ? fallback : Double.parseDouble(v);
    }

    /** One seed's check; returns {within ±10 % in %, median abs error in %} and adds each family's numbers to {@code perFamilySum}. */
    static double[] check(String arg, List<KernelCorpus.Model> zoo, List<KernelCorpus.Model> extra, List<String> families,
            BoostedTrees.Params params, Map<String, double[]> perFamilySum) {
        System.out.printf(Locale.ROOT, "%n# %s: %d models, %d kernels, families %s; in the fits: %d more models (less their held-out family), %d kernels; %s%n", arg,
                zoo.size(), zoo.stream().mapToInt(m -> m.kernels().size()).sum(), families, extra.size(),
                extra.stream().mapToInt(m -> m.kernels().size()).sum(), params);
        var prov = new KernelCostModel.Provenance("bench", "bench", zoo.size(), 0, List.of(), KernelFeatures.VERSION, "");
        long t0 = System.nanoTime();
        Map<String, KernelCostModel> fits = new ConcurrentHashMap<>();
        // two fits at a time: the machine has two cores
        families.parallelStream().forEach(f -> {
            List<KernelCorpus.Model> train = new ArrayList<>(zoo.stream().filter(m -> !m.family().equals(f)).toList());
            // an extra corpus may hold networks too (e.g. another zoo corpus of the same device): the held-out family stays out
            train.addAll(extra.stream().filter(m -> !m.family().equals(f)).toList());
            fits.put(f, KernelCostModel.fitPoint(train, params, prov));
        });
        System.out.printf(Locale.ROOT, "%d fits in %.0f s%n", fits.size(), (System.nanoTime() - t0) / 1e9);
        double[] p = zoo.stream().mapToDouble(m -> fits.get(m.family()).predict(m.shapes()).ms()).toArray();
        double[] a = zoo.stream().mapToDouble(KernelCorpus.Model::latencyMs).toArray();
        double within = 100 * Metrics.withinTolerance(p, a, 0.10), median = 100 * medianAbsRel(p, a);
        System.out.printf(Locale.ROOT, "## RULE %s: zoo leave-one-family-out (%d models): within ±10 %% %.2f %%, median abs error %.3f %%, Spearman %.3f%n",
                arg, zoo.size(), within, median, Metrics.spearman(p, a));
        System.out.println("| family | models | within ±10 % | median abs error | median signed error |");
        System.out.println("|---|---|---|---|---|");
        for (String f : families) {
            int[] idx = java.util.stream.IntStream.range(0, zoo.size()).filter(i -> zoo.get(i).family().equals(f)).toArray();
            double[] pp = Arrays.stream(idx).mapToDouble(i -> p[i]).toArray(), aa = Arrays.stream(idx).mapToDouble(i -> a[i]).toArray();
            double[] signed = Arrays.stream(idx).mapToDouble(i -> p[i] / a[i] - 1).sorted().toArray();
            double fw = 100 * Metrics.withinTolerance(pp, aa, 0.10), fm = 100 * medianAbsRel(pp, aa), fs = 100 * signed[signed.length / 2];
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f %% | %.1f %% | %+.1f %% |%n", f, idx.length, fw, fm, fs);
            double[] sum = perFamilySum.computeIfAbsent(f, x -> new double[3]);
            sum[0] += fw;
            sum[1] += fm;
            sum[2] += fs;
        }
        // where the error sits: per held-out family and kernel kind, Σ predicted / Σ profiled kernel time
        System.out.println("\nkernel time by kind, held-out family: predicted/profiled (share of the family's profiled time)");
        StringBuilder head = new StringBuilder("| family |");
        for (KernelKind k : KernelKind.values()) head.append(' ').append(k.label()).append(" |");
        System.out.println(head);
        System.out.println("|---|" + "---|".repeat(KernelKind.values().length));
        for (String f : families) {
            double[] pred = new double[KernelKind.values().length], meas = new double[pred.length];
            KernelCostModel fit = fits.get(f);
            for (KernelCorpus.Model m : zoo) {
                if (!m.family().equals(f)) continue;
                for (ProfiledKernel k : m.kernels()) {
                    if (!(k.ms() > 0)) continue;
                    int kind = KernelKind.of(k.shape()).ordinal();
                    pred[kind] += fit.kernelMs(k.shape());
                    meas[kind] += k.ms();
                }
            }
            double total = Arrays.stream(meas).sum();
            StringBuilder row = new StringBuilder("| " + f + " |");
            for (int k = 0; k < pred.length; k++)
                row.append(meas[k] > 0 ? String.format(Locale.ROOT, " %.2f (%.0f %%) |", pred[k] / meas[k], 100 * meas[k] / total) : " |");
            System.out.println(row);
        }
        return new double[] {within, median};
    }

    static double medianAbsRel(double[] p, double[] a) {
        double[] e = new double[p.length];
        for (int i = 0; i < p.length; i++) e[i] = Math.abs(p[i] / a[i] - 1);
        Arrays.sort(e);
        return e.length % 2 == 1 ? e[e.length / 2] : 0.5 * (e[e.length / 2 - 1] + e[e.length / 2]);
    }
}
