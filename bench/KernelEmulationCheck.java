import dev.halo.graph.Graph;
import dev.halo.graph.GraphAnalysis;
import dev.halo.kernel.GraphLatencyModel;
import dev.halo.kernel.KernelModelFile;
import dev.halo.kernel.KernelShape;
import dev.halo.kernel.ort.NchwcBlock;
import dev.halo.kernel.ort.OrtGraphEmulator;
import dev.halo.measure.GraphOptimization;
import dev.halo.measure.model.ModelProfiler;
import dev.halo.measure.model.OptimizedModel;
import dev.halo.onnx.model.OnnxModelReader;
import dev.halo.onnx.zoo.ModelZoo;
import dev.halo.onnx.zoo.ZooModel;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The emulated ONNX Runtime rewrites (halo-core's OrtGraphEmulator) against ONNX Runtime's own optimised model, kernel
 * by kernel: for every model, the multiset of executed kernels (operator, fused activation, input, weight and output
 * shapes, window, stride, groups and work; node names aside, which ORT numbers per session) must be equal. Where they
 * differ, both lists are priced with a kernel model and the relative difference of the predicted latency is given.
 * Models: N zoo models drawn over all families (seed 1, every resolution the sampler draws), the zoo's presets at
 * their default resolution, and any .onnx files or folders named after them (e.g. the torchvision exports of
 * bench/torchvision-corpus.py in .cache/models).
 * Usage (from the repository root, after ./halo has built the CLI):
 *   CP="halo-cli/target/halo-cli.jar:$(ls halo-cli/target/lib/*.jar | tr '\n' ':')"
 *   java --enable-native-access=ALL-UNNAMED -cp "$CP" bench/KernelEmulationCheck.java DEVICE.kernel-model.json 120 .cache/models
 */
public class KernelEmulationCheck {
    record Outcome(String family, String model, String state, int ortKernels, int emulatedKernels, double ortMs, double emulatedMs, String note) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) throw new IllegalArgumentException("usage: KernelEmulationCheck DEVICE.kernel-model.json N [FILE.onnx|DIR ...]");
        GraphLatencyModel device;
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            device = KernelModelFile.read(in, args[0]);
        }
        NchwcBlock.Detected block = NchwcBlock.ofThisMachine();
        if (!block.known()) throw new IllegalStateException(block.unknownBecause());
        System.out.println("NCHWc block of this CPU: " + block.block());
        Path dir = Files.createTempDirectory("emulation-check");
        List<Outcome> outcomes = new ArrayList<>();
        List<ZooModel> zoo = new ArrayList<>(ModelZoo.sample("all", Integer.parseInt(args[1]), 1));
        ModelZoo.presets().values().forEach(p -> zoo.add(ModelZoo.parse(p)));
        for (ZooModel m : zoo) {
            Path file = dir.resolve("model.onnx");
            Files.write(file, m.export(1, 1).bytes());
            outcomes.add(check(m.family(), m.canonical(), file, device, block.block()));
            Files.delete(file);
        }
        for (int i = 2; i < args.length; i++) {
            Path p = Path.of(args[i]);
            List<Path> files;
            try (Stream<Path> s = Files.isDirectory(p) ? Files.walk(p) : Stream.of(p)) {
                files = s.filter(f -> f.toString().endsWith(".onnx")).sorted().toList();
            }
            for (Path f : files) {
                String name = f.getFileName().toString();
                outcomes.add(check("file:" + name.replaceAll("[-_]?(r\\d+)?\\.onnx$", "").replaceAll("\\d.*$", ""), name, f, device, block.block()));
            }
        }
        report(outcomes);
    }

    static Outcome check(String family, String model, Path file, GraphLatencyModel device, int block) {
        Graph original = OnnxModelReader.read(file);
        List<KernelShape> ort;
        try {
            ort = ModelProfiler.executedKernels(OptimizedModel.kernels(file, original, Map.of(), GraphOptimization.ALL), Map.of());
        } catch (RuntimeException e) {
            return new Outcome(family, model, "ort-failed", 0, 0, 0, 0, String.valueOf(e.getMessage()));
        }
        OrtGraphEmulator.Result emulated = OrtGraphEmulator.emulate(original, Map.of(), block);
        double ortMs = device.predict(ort).ms();
        if (!emulated.covered())
            return new Outcome(family, model, "uncovered", ort.size(), 0, ortMs, 0, emulated.uncovered().getFirst());
        double emulatedMs = device.predict(emulated.kernels()).ms();
        Map<String, Integer> difference = new TreeMap<>();
        for (KernelShape k : ort) difference.merge("ORT      " + key(k), 1, Integer::sum);
        for (KernelShape k : emulated.kernels()) {
            String fromOrt = "ORT      " + key(k);
            if (difference.containsKey(fromOrt)) {
                if (difference.merge(fromOrt, -1, Integer::sum) == 0) difference.remove(fromOrt);
            } else difference.merge("EMULATED " + key(k), 1, Integer::sum);
        }
        String note = difference.isEmpty() ? "" : difference.size() + " kernel kinds differ, first: " + difference.entrySet().iterator().next();
        return new Outcome(family, model, difference.isEmpty() ? "exact" : "differs", ort.size(), emulated.kernels().size(), ortMs, emulatedMs, note);
    }

    /** Everything the cost model sees of a kernel; the node name is left out (ORT numbers inserted nodes per session). */
    static String key(KernelShape k) {
        return k.op() + " " + k.activation() + " in=" + k.inputs() + " w=" + k.weights() + " out=" + k.outputs() + " window="
                + Arrays.toString(k.window()) + " stride=" + Arrays.toString(k.stride()) + " group=" + k.group() + " " + k.cost();
    }

    static void report(List<Outcome> outcomes) {
        System.out.println("family,model,state,ort_kernels,emulated_kernels,ort_predicted_ms,emulated_predicted_ms,note");
        for (Outcome o : outcomes)
            System.out.printf(Locale.ROOT, "%s,%s,%s,%d,%d,%.3f,%.3f,\"%s\"%n", o.family(), o.model(), o.state(), o.ortKernels(), o.emulatedKernels(),
                    o.ortMs(), o.emulatedMs(), o.note().replace('"', '\''));
        System.out.println();
        System.out.println("family: models / exact / differing / uncovered");
        Map<String, int[]> byFamily = new TreeMap<>();
        for (Outcome o : outcomes) {
            int[] c = byFamily.computeIfAbsent(o.family(), f -> new int[4]);
            c[0]++;
            c[switch (o.state()) { case "exact" -> 1; case "differs" -> 2; default -> 3; }]++;
        }
        int[] total = new int[4];
        byFamily.forEach((f, c) -> {
            System.out.printf(Locale.ROOT, "  %-22s %4d %4d %4d %4d%n", f, c[0], c[1], c[2], c[3]);
            for (int i = 0; i < 4; i++) total[i] += c[i];
        });
        System.out.printf(Locale.ROOT, "  %-22s %4d %4d %4d %4d%n", "all", total[0], total[1], total[2], total[3]);
        List<Double> gaps = outcomes.stream().filter(o -> o.state().equals("differs"))
                .map(o -> 100 * Math.abs(o.emulatedMs() - o.ortMs()) / o.ortMs()).sorted().toList();
        if (!gaps.isEmpty())
            System.out.printf(Locale.ROOT, "predicted ms where the kernels differ: |emulated - ORT| / ORT median %.2f %%, max %.2f %% (%d models)%n",
                    gaps.get(gaps.size() / 2), gaps.getLast(), gaps.size());
        Map<String, Integer> reasons = new HashMap<>();
        for (Outcome o : outcomes)
            if (o.state().equals("uncovered")) reasons.merge(o.note().replaceAll("node '[^']*' ", "node "), 1, Integer::sum);
        if (!reasons.isEmpty()) {
            System.out.println("first uncovered node per model (ORT is used for these):");
            reasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(e -> System.out.printf(Locale.ROOT, "  %3d x %s%n", e.getValue(), e.getKey()));
        }
    }
}
