package dev.halo.kernel;

import dev.halo.BadInputException;
import dev.halo.graph.NodeCost;
import dev.halo.graph.TensorShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A folder of profiled models on one device: {@code models.csv} (one row per model: its whole latency and the sum of
 * its profiled kernels) and {@code kernels.csv} (one row per executed kernel with its shapes, work and profiled
 * time). Appended one model at a time, kernels first and the model row last, each append forced to disk: a crash
 * leaves at most kernels without a model row, which reading ignores and the next append of that model replaces, so
 * an interrupted profiling run resumes and loses nothing it had finished. A finished corpus may keep its kernels
 * gzipped ({@code kernels.csv.gz}, as committed under data/measured/kernels); reading takes either.
 */
public final class KernelCorpus {
    public static final String MODELS = "models.csv";
    public static final String KERNELS = "kernels.csv";
    /** The zoo family of single-kernel models (halo-onnx's {@code MicroKernels}). */
    public static final String SINGLE_KERNELS = "micro";
    static final String MODELS_HEADER = "id,family,resolution,macs,params,kernels,profiled_ms,latency_ms,round_ms";
    static final String KERNELS_HEADER = "id,node,op,activation,inputs,weights,outputs,window,stride,group,macs,flops,params,buffers,bytes_in,bytes_weights,bytes_out,ms";

    /**
     * One profiled model.
     *
     * @param id its identity (a zoo canonical string or {@code file:NAME@SHA256-PREFIX}); commas are not allowed
     * @param family the family it is held out with in leave-one-family-out evaluation
     * @param profiledMs sum of the profiled kernel times per inference
     * @param latencyMs the median over rounds of each round's median latency
     * @param roundMs each timing round's median
     */
    public record Model(String id, String family, int resolution, long macs, long params, List<ProfiledKernel> kernels,
            double profiledMs, double latencyMs, double[] roundMs) {
        public Model {
            if (id.contains(",") || id.isBlank()) throw new IllegalArgumentException("model id must be non-blank without commas: " + id);
            if (family.contains(",")) throw new IllegalArgumentException("family must not contain commas: " + family);
            kernels = List.copyOf(kernels);
            roundMs = roundMs.clone();
            if (!(latencyMs > 0) || Double.isInfinite(latencyMs)) throw new IllegalArgumentException(id + ": latency must be positive, got " + latencyMs);
        }

        @Override
        public double[] roundMs() {
            return roundMs.clone();
        }

        /**
         * Whether this is one of the zoo's single-kernel models (family {@value KernelCorpus#SINGLE_KERNELS}): it teaches
         * what kernels cost, but its latency is mostly the runtime's per-call overhead, so it neither calibrates a
         * network's latency nor is held out as a family of networks.
         */
        public boolean singleKernel() {
            return family.equals(SINGLE_KERNELS);
        }

        /** The model's kernel shapes in execution order. */
        public List<KernelShape> shapes() {
            return kernels.stream().map(ProfiledKernel::shape).toList();
        }
    }

    private KernelCorpus() {}

    /** Reads the finished models of a corpus folder, in the order they were appended. */
    public static List<Model> read(Path dir) {
        Path models = dir.resolve(MODELS);
        Path kernels = dir.resolve(KERNELS);
        if (!Files.isRegularFile(kernels) && Files.isRegularFile(dir.resolve(KERNELS + ".gz"))) kernels = dir.resolve(KERNELS + ".gz");
        if (!Files.isRegularFile(models)) return List.of();
        Map<String, List<ProfiledKernel>> byModel = new LinkedHashMap<>();
        if (Files.isRegularFile(kernels)) {
            List<String> lines = lines(kernels, KERNELS_HEADER);
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",", -1);
                if (f.length != 18) throw bad(kernels, i, "expected 18 fields, got " + f.length);
                try {
                    KernelShape shape = new KernelShape(f[1], f[2], f[3], shapes(f[4]), shapes(f[5]), shapes(f[6]), longs(f[7]), longs(f[8]),
                            Long.parseLong(f[9]), new NodeCost(Long.parseLong(f[10]), Long.parseLong(f[11]), Long.parseLong(f[12]),
                                    Long.parseLong(f[13]), Long.parseLong(f[14]), Long.parseLong(f[15]), Long.parseLong(f[16])));
                    byModel.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new ProfiledKernel(shape, Double.parseDouble(f[17])));
                } catch (RuntimeException e) {
                    throw bad(kernels, i, e.getMessage());
                }
            }
        }
        List<String> lines = lines(models, MODELS_HEADER);
        Map<String, Model> out = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            if (f.length != 9) throw bad(models, i, "expected 9 fields, got " + f.length);
            try {
                List<ProfiledKernel> ks = byModel.getOrDefault(f[0], List.of());
                int expected = Integer.parseInt(f[5]);
                // a crash between a model's kernel rows and its model row, then a rerun, leaves the kernels twice: keep the last set
                if (ks.size() > expected) ks = ks.subList(ks.size() - expected, ks.size());
                if (ks.size() != expected) throw new IllegalArgumentException("model " + f[0] + " lists " + expected + " kernels, " + kernels + " has " + ks.size());
                double[] rounds = f[8].isEmpty() ? new double[0] : Arrays.stream(f[8].split(";")).mapToDouble(Double::parseDouble).toArray();
                out.put(f[0], new Model(f[0], f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), ks,
                        Double.parseDouble(f[6]), Double.parseDouble(f[7]), rounds));
            } catch (RuntimeException e) {
                throw bad(models, i, e.getMessage());
            }
        }
        return List.copyOf(out.values());
    }

    /** Appends one model (kernels first, then its model row), forcing both to disk. */
    public static void append(Path dir, Model m) {
        StringBuilder k = new StringBuilder();
        for (ProfiledKernel pk : m.kernels()) {
            KernelShape s = pk.shape();
            NodeCost c = s.cost();
            if (s.node().contains(",") || s.op().contains(",") || s.activation().contains(","))
                throw new IllegalArgumentException("kernel names must not contain commas: " + s.node());
            k.append(String.join(",", m.id(), s.node(), s.op(), s.activation(), shapes(s.inputs()), shapes(s.weights()), shapes(s.outputs()),
                    longs(s.window()), longs(s.stride()), Long.toString(s.group()), Long.toString(c.macs()), Long.toString(c.flops()),
                    Long.toString(c.params()), Long.toString(c.buffers()), Long.toString(c.bytesIn()), Long.toString(c.bytesWeights()),
                    Long.toString(c.bytesOut()), num(pk.ms()))).append('\n');
        }
        String row = String.join(",", m.id(), m.family(), Integer.toString(m.resolution()), Long.toString(m.macs()), Long.toString(m.params()),
                Integer.toString(m.kernels().size()), num(m.profiledMs()), num(m.latencyMs()),
                Arrays.stream(m.roundMs()).mapToObj(KernelCorpus::num).collect(Collectors.joining(";"))) + "\n";
        appendForced(dir.resolve(KERNELS), KERNELS_HEADER, k.toString());
        appendForced(dir.resolve(MODELS), MODELS_HEADER, row);
    }

    private static void appendForced(Path file, String header, String text) {
        try {
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                byte[] bytes = ((fresh ? header + "\n" : "") + text).getBytes(StandardCharsets.UTF_8);
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    private static List<String> lines(Path file, String header) {
        try {
            List<String> lines;
            if (file.toString().endsWith(".gz")) {
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(Files.newInputStream(file)),
                        StandardCharsets.UTF_8))) {
                    lines = new ArrayList<>(in.lines().toList());
                }
            } else {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            }
            if (lines.isEmpty() || !lines.get(0).equals(header))
                throw new BadInputException(file + ": line 1: expected the header '" + header + "'");
            // a torn last line (crash mid-append) is not data
            while (lines.size() > 1 && lines.get(lines.size() - 1).isBlank()) lines.remove(lines.size() - 1);
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static BadInputException bad(Path file, int line, String why) {
        return new BadInputException(file + ": line " + (line + 1) + ": " + why);
    }

    private static String shapes(List<TensorShape> shapes) {
        return shapes.stream().map(s -> s == null || !s.isStatic() ? "?" : s.toString()).collect(Collectors.joining(" "));
    }

    private static List<TensorShape> shapes(String text) {
        if (text.isEmpty()) return List.of();
        List<TensorShape> out = new ArrayList<>();
        for (String s : text.split(" ")) out.add(s.equals("?") ? null : TensorShape.parse(s));
        return out;
    }

    private static String longs(long[] v) {
        return Arrays.stream(v).mapToObj(Long::toString).collect(Collectors.joining("x"));
    }

    private static long[] longs(String text) {
        return Arrays.stream(text.split("x")).mapToLong(Long::parseLong).toArray();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
