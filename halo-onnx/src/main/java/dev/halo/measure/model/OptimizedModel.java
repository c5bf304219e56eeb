package dev.halo.measure.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.halo.BadInputException;
import dev.halo.io.Leftovers;
import dev.halo.graph.Graph;
import dev.halo.graph.TensorShape;
import dev.halo.measure.GraphOptimization;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.OrtLatencyMeter;
import dev.halo.onnx.model.OnnxModelReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The graph ONNX Runtime actually executes: a session is created with {@code optimized_model_filepath} set, and the
 * model it writes (after Conv+BN folding, Conv+activation fusion, GELU/LayerNorm/attention fusions and, at level ALL,
 * the blocked NCHWc layout of this CPU) is read back with {@link OnnxModelReader}. At level ALL ONNX Runtime warns
 * that such a model is hardware specific: it describes this machine's kernels, which is what is wanted here. The
 * temporary files are deleted whatever happens.
 */
public final class OptimizedModel {
    private OptimizedModel() {}

    /**
     * @param original the model as read (its inputs' symbolic dimensions are fixed to {@code inputs} so that ONNX
     *     Runtime can plan static shapes)
     */
    public static Graph kernels(Path model, Graph original, Map<String, TensorShape> inputs, GraphOptimization level) {
        Path dir = temporaryDirectory();
        try {
            return optimize(dir, model, original, inputs, level);
        } finally {
            Leftovers.deleteRecursively(dir);
        }
    }

    /** The executed kernels of an in-memory model whose inputs have static shapes (halo's exported networks). */
    public static Graph kernels(byte[] model, GraphOptimization level) {
        Path dir = temporaryDirectory();
        try {
            Path file = dir.resolve("model.onnx");
            Files.write(file, model);
            return optimize(dir, file, OnnxModelReader.read(file), Map.of(), level);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model for ONNX Runtime to optimise", e);
        } finally {
            Leftovers.deleteRecursively(dir);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("halo-optimized");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the optimised model", e);
        }
    }

    /**
     * Asks ONNX Runtime to write the optimised model to {@code file}. ORT warns on every such session that an NCHWc
     * model is specific to this machine — true, and why halo reads it here and never ships it — so the session
     * logs errors only: a warning line per profiled model would bury the progress bar.
     */
    static void writeOptimizedModel(OrtSession.SessionOptions options, Path file) throws OrtException {
        options.setOptimizedModelFilePath(file.toString());
        options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
    }

    private static Graph optimize(Path dir, Path model, Graph original, Map<String, TensorShape> inputs, GraphOptimization level) {
        {
            Path out = dir.resolve("optimized.onnx");
            MeasureSettings settings = MeasureSettings.defaults().withOptimization(level);
            try (OrtSession.SessionOptions options = OrtLatencyMeter.sessionOptions(settings)) {
                writeOptimizedModel(options, out);
                ModelInputs.fixSymbols(options, original.feeds(), inputs);
                OrtEnvironment.getEnvironment().createSession(model.toString(), options).close();
            } catch (OrtException e) {
                String m = e.getMessage() == null ? "" : e.getMessage();
                throw new BadInputException(model + ": ONNX Runtime cannot load it: " + m.lines().findFirst().orElse(m), e);
            }
            if (!Files.isRegularFile(out)) throw new IllegalStateException("ONNX Runtime wrote no optimised model to " + out);
            return OnnxModelReader.read(out);
        }
    }
}
