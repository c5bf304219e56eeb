package dev.halo.search;

import dev.halo.BadInputException;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * A small synthetic space for search tests: {@code genes} positions with {@code values} choices each, a latency
 * that grows with every gene and an accuracy with interactions, so that the best feasible architecture is not
 * simply the slowest one. Small enough to enumerate.
 */
final class ToySpace implements SearchSpace<ToySpace.Arch>, IntegerEncoding<ToySpace.Arch> {
    record Arch(int[] genes) implements Architecture {
        @Override
        public String space() {
            return "toy";
        }

        @Override
        public String canonical() {
            StringBuilder sb = new StringBuilder("toy:");
            for (int i = 0; i < genes.length; i++) sb.append(i == 0 ? "" : "-").append(genes[i]);
            return sb.toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Arch a && java.util.Arrays.equals(genes, a.genes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(genes);
        }
    }

    final int genes;
    final int values;
    private final double[][] accuracyTerm;
    private final double[][] latencyTerm;

    ToySpace(int genes, int values, long seed) {
        this.genes = genes;
        this.values = values;
        Random r = new Random(seed);
        accuracyTerm = new double[genes][values];
        latencyTerm = new double[genes][values];
        for (int i = 0; i < genes; i++)
            for (int v = 0; v < values; v++) {
                latencyTerm[i][v] = 0.2 + v * (0.5 + r.nextDouble());
                accuracyTerm[i][v] = 3 * r.nextDouble() + v;
            }
    }

    double accuracy(Arch a) {
        double s = 50;
        for (int i = 0; i < genes; i++) s += accuracyTerm[i][a.genes[i]];
        // An interaction term: neighbouring genes that agree are rewarded.
        for (int i = 1; i < genes; i++) if (a.genes[i] == a.genes[i - 1]) s += 1.5;
        return s;
    }

    double latency(Arch a, double scale) {
        double s = 1;
        for (int i = 0; i < genes; i++) s += latencyTerm[i][a.genes[i]];
        return s * scale;
    }

    List<Arch> all() {
        List<Arch> out = new ArrayList<>();
        int n = (int) size();
        for (int k = 0; k < n; k++) {
            int[] g = new int[genes];
            int x = k;
            for (int i = genes - 1; i >= 0; i--) {
                g[i] = x % values;
                x /= values;
            }
            out.add(new Arch(g));
        }
        return out;
    }

    AccuracyObjective<Arch> accuracyObjective() {
        return AccuracyObjective.of("toy accuracy", "%", this::accuracy);
    }

    /** A measured table of one toy device whose latency is {@code scale} × the base latency. */
    TableLatencyPredictor table(String device, double scale) {
        Map<String, Double> m = new HashMap<>();
        for (Arch a : all()) m.put(a.canonical(), latency(a, scale));
        return new TableLatencyPredictor(name(), "toy table " + device, m);
    }

    /** An imperfect predictor: the table latency times a per-arch factor in [1 - err, 1 + err]. */
    LatencyPredictor noisy(double scale, double err) {
        return new LatencyPredictor() {
            @Override
            public String space() {
                return name();
            }

            @Override
            public double[] predictMs(List<? extends Architecture> archs) {
                double[] out = new double[archs.size()];
                for (int i = 0; i < out.length; i++) {
                    Arch a = cast(archs.get(i));
                    double u = new Random(a.canonical().hashCode()).nextDouble() * 2 - 1;
                    out[i] = latency(a, scale) * (1 + err * u);
                }
                return out;
            }
        };
    }

    @Override
    public String name() {
        return "toy";
    }

    @Override
    public String description() {
        return "synthetic test space";
    }

    @Override
    public double size() {
        return Math.pow(values, genes);
    }

    @Override
    public Arch parse(String text) {
        if (!text.startsWith("toy:")) throw new BadInputException("not a toy arch: " + text);
        String[] parts = text.substring(4).split("-");
        int[] g = new int[parts.length];
        for (int i = 0; i < g.length; i++) g[i] = Integer.parseInt(parts[i]);
        return new Arch(g);
    }

    @Override
    public Arch sample(RandomGenerator rng) {
        int[] g = new int[genes];
        for (int i = 0; i < genes; i++) g[i] = rng.nextInt(values);
        return new Arch(g);
    }

    @Override
    public Arch mutate(Arch arch, RandomGenerator rng) {
        int[] g = arch.genes().clone();
        int i = rng.nextInt(genes);
        g[i] = (g[i] + 1 + rng.nextInt(values - 1)) % values;
        return new Arch(g);
    }

    @Override
    public List<Arch> neighbours(Arch arch) {
        List<Arch> out = new ArrayList<>();
        for (int i = 0; i < genes; i++)
            for (int v = 0; v < values; v++)
                if (v != arch.genes()[i]) {
                    int[] g = arch.genes().clone();
                    g[i] = v;
                    out.add(new Arch(g));
                }
        return out;
    }

    @Override
    public double[] flatEncoding(Arch arch) {
        double[] x = new double[genes * values];
        for (int i = 0; i < genes; i++) x[i * values + arch.genes()[i]] = 1;
        return x;
    }

    @Override
    public double mflops(Arch arch) {
        return latency(arch, 10);
    }

    @Override
    public long params(Arch arch) {
        return Math.round(latency(arch, 1000));
    }

    @Override
    public int[] cardinalities() {
        int[] c = new int[genes];
        java.util.Arrays.fill(c, values);
        return c;
    }

    @Override
    public Arch decode(int[] g) {
        return new Arch(g.clone());
    }
}
