import dev.halo.predict.additive.AdditiveCostPredictor;
import dev.halo.predict.additive.CostFeatures;
import dev.halo.predict.additive.Nb201ExecutedKernels;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import dev.halo.stats.Metrics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Op counts against executed-kernel cost features (issue 13) on this machine's own NB201 measurements: op-costs'
 * robust fit on 20 known latencies, scored on fresh archs measured by `halo measure`.
 * (a) the 20 known archs of a `halo demo` run, scored on a separate `halo measure` run (two runs: level drift counts);
 * (b) 20 random archs of the measure run itself, scored on the rest of it, 20 draws.
 * Usage (from the repository root, after ./halo has built the CLI):
 *   CP="halo-cli/target/halo-cli.jar:$(ls halo-cli/target/lib/*.jar | tr '\n' ':')"
 *   java --enable-native-access=ALL-UNNAMED -cp "$CP" bench/ExecutedKernelsCheck.java \
 *       data/measured/raw/nasbench201-session6_xeon_1t_b1-demo-known.csv data/measured/raw/nasbench201-session6_xeon_1t_b1-700archs.csv.gz
 */
public class ExecutedKernelsCheck {
    public static void main(String[] args) throws Exception {
        Nb201Space space = new Nb201Space();
        List<Nb201Arch> known = new ArrayList<>();
        List<Double> knownMs = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0])).subList(1, 21)) {
            String[] f = line.split(",");
            known.add(space.parse(f[1]));
            knownMs.add(Double.parseDouble(f[2]));
        }
        Set<String> knownSet = new HashSet<>();
        known.forEach(k -> knownSet.add(k.canonical()));
        List<Nb201Arch> test = new ArrayList<>();
        List<Double> testMs = new ArrayList<>(), round1 = new ArrayList<>(), round2 = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(Path.of(args[1]))), StandardCharsets.UTF_8))) {
            r.readLine();
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(",");
                Nb201Arch arch = space.parse(f[0]);
                if (knownSet.contains(arch.canonical()) || !Nb201Space.outputConnected(arch) || f[1].isEmpty()) continue;
                test.add(arch);
                testMs.add(Double.parseDouble(f[1]));
                String[] rounds = f[8].split(";");
                round1.add(Double.parseDouble(rounds[0]));
                round2.add(Double.parseDouble(rounds[1]));
            }
        }
        double[] y = unbox(testMs), r1 = unbox(round1), r2 = unbox(round2), ky = unbox(knownMs);
        System.out.printf("%d fresh archs; this machine's round 2 vs round 1: Spearman %.4f, within ±10 %% %.3f%n", y.length,
                Metrics.spearman(r2, r1), within10(r2, r1));
        CostFeatures opCounts = CostFeatures.forSpace(space).orElseThrow();
        // the kernel model's counts; halo-onnx's Nb201OrtKernelsTest holds them equal to ORT's optimised graph on this machine
        CostFeatures executed = Nb201ExecutedKernels.of(space.macro());
        System.out.println("executed-kernel kinds: " + executed.names());
        for (CostFeatures features : List.of(opCounts, executed)) {
            String name = features == opCounts ? "op counts" : "executed kernels";
            double[] q = AdditiveCostPredictor.fit(features, known, ky).predictMs(test);
            double rho = Metrics.spearman(q, y);
            double[] ci = Metrics.spearmanInterval(rho, y.length, 0.95);
            System.out.printf("(a) %-16s demo's 20 known -> measure run: Spearman %.4f [%.3f, %.3f], MAPE %.1f %%, within ±10 %% %.3f%n",
                    name, rho, ci[0], ci[1], Metrics.mape(q, y), within10(q, y));
            Map<Nb201Space.CellKind, double[]> bias = new TreeMap<>();
            for (int i = 0; i < y.length; i++) {
                double[] b = bias.computeIfAbsent(Nb201Space.cellKind(test.get(i)), k -> new double[2]);
                b[0] += q[i] / y[i] - 1;
                b[1]++;
            }
            bias.forEach((kind, b) -> System.out.printf("      %-20s n=%3.0f mean relative error %+.1f %%%n", kind, b[1], 100 * b[0] / b[1]));
            double sp = 0, w = 0, m = 0;
            int draws = 20;
            for (int s = 0; s < draws; s++) {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < y.length; i++) order.add(i);
                Collections.shuffle(order, new Random(s));
                List<Nb201Arch> fitArchs = new ArrayList<>(), rest = new ArrayList<>();
                double[] fitMs = new double[20], restMs = new double[y.length - 20];
                for (int i = 0; i < y.length; i++) {
                    int j = order.get(i);
                    if (i < 20) { fitArchs.add(test.get(j)); fitMs[i] = y[j]; } else { rest.add(test.get(j)); restMs[i - 20] = y[j]; }
                }
                double[] p = AdditiveCostPredictor.fit(features, fitArchs, fitMs).predictMs(rest);
                sp += Metrics.spearman(p, restMs);
                w += within10(p, restMs);
                m += Metrics.mape(p, restMs);
            }
            System.out.printf("(b) %-16s 20 random known of the same run, %d draws: Spearman %.4f, MAPE %.1f %%, within ±10 %% %.3f%n",
                    name, draws, sp / draws, m / draws, w / draws);
        }
    }

    private static double[] unbox(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double within10(double[] p, double[] y) {
        int n = 0;
        for (int i = 0; i < p.length; i++) if (Math.abs(p[i] / y[i] - 1) < 0.1) n++;
        return (double) n / p.length;
    }
}
