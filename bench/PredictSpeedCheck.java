import dev.halo.app.model.PredictModel;
import dev.halo.graph.Graph;
import dev.halo.kernel.GraphLatencyModel;
import dev.halo.kernel.KernelShape;
import dev.halo.kernel.ort.NchwcBlock;
import dev.halo.kernel.ort.OrtGraphEmulator;
import dev.halo.measure.GraphOptimization;
import dev.halo.measure.model.ModelProfiler;
import dev.halo.measure.model.OptimizedModel;
import dev.halo.onnx.model.OnnxModelReader;
import dev.halo.onnx.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where `halo model predict`'s time goes, step by step, six times in one JVM (the first call pays class loading and JIT
 * warm-up): loading the device's kernel model, reading the ONNX file, then either ONNX Runtime's optimisation (a
 * session writing its optimised model, read back and analysed) or the emulated rewrites, and pricing the kernels.
 * MODEL.onnx is written first (the zoo's resnet50 with weights) when it does not exist. PATHS (default
 * {@code ort,emulated}) chooses the kernel paths timed. Run under halo-measure with a classpath copied outside the
 * tree; compiled beforehand, so that call 1 is what a fresh {@code halo model predict} pays (launched as a source file,
 * the compiler would have warmed up the JDK's own classes first):
 *   CP="halo-cli/target/halo-cli.jar:$(ls halo-cli/target/lib/*.jar | tr '\n' ':')"
 *   javac -cp "$CP" -d /tmp/psc bench/PredictSpeedCheck.java
 *   halo-measure java --enable-native-access=ALL-UNNAMED -cp "$CP:/tmp/psc" PredictSpeedCheck /tmp/resnet50.onnx KERNEL-MODEL.json emulated
 */
public class PredictSpeedCheck {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]), device = Path.of(args[1]);
        if (!Files.exists(model)) Files.write(model, ModelZoo.parse("resnet50").export(1, 1).bytes());
        List<String> paths = args.length > 2 ? List.of(args[2].split(",")) : List.of("ort", "emulated");
        for (String path : paths) {
            for (int call = 1; call <= 6; call++) {
                long t0 = System.nanoTime();
                GraphLatencyModel d = PredictModel.load(device);
                long t1 = System.nanoTime();
                Graph original = OnnxModelReader.read(model);
                long t2 = System.nanoTime();
                List<KernelShape> kernels = path.equals("ort")
                        ? ModelProfiler.executedKernels(OptimizedModel.kernels(model, original, Map.of(), GraphOptimization.ALL), Map.of())
                        : OrtGraphEmulator.emulate(original, Map.of(), NchwcBlock.ofThisMachine().block()).kernels();
                long t3 = System.nanoTime();
                double ms = d.predict(kernels).ms();
                long t4 = System.nanoTime();
                System.out.printf(Locale.ROOT, "%-8s call %d: device model %6.1f  read %6.1f  kernels %7.1f  price %5.1f  total %7.1f ms (%d kernels, %.2f ms predicted)%n",
                        path, call, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6, (t4 - t0) / 1e6, kernels.size(), ms);
            }
        }
    }
}
