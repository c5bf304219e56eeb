package dev.halo.measure.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.halo.BadInputException;
import dev.halo.graph.DType;
import dev.halo.graph.TensorShape;
import dev.halo.graph.ValueInfo;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The inputs halo feeds a model file: resolved shapes, seeded random values, symbolic dimensions fixed in ORT. */
public final class ModelInputs {
    private ModelInputs() {}

    /** Only float32 and double tensors are generated; float16/bfloat16 inputs are refused with a clear line. */
    public static void requireFeedable(Iterable<ValueInfo> inputs) {
        for (ValueInfo v : inputs)
            if (v.type() != DType.FLOAT && v.type() != DType.DOUBLE)
                throw new BadInputException("input '" + v.name() + "' has element type " + v.type().label()
                        + "; halo measure feeds float32 or double inputs only");
    }

    /** Gaussian inputs of the resolved shapes (the same seed gives the same values); the caller closes them. */
    static Map<String, OnnxTensor> random(OrtEnvironment env, List<ValueInfo> inputs, long seed) throws OrtException {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        try {
            for (ValueInfo v : inputs) {
                long[] shape = v.shape().toArray();
                int n = Math.toIntExact(v.shape().elements());
                if (v.type() == DType.DOUBLE) {
                    double[] d = new double[n];
                    for (int i = 0; i < n; i++) d[i] = random.nextGaussian();
                    feed.put(v.name(), OnnxTensor.createTensor(env, DoubleBuffer.wrap(d), shape));
                } else {
                    float[] f = new float[n];
                    for (int i = 0; i < n; i++) f[i] = (float) random.nextGaussian();
                    feed.put(v.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(f), shape));
                }
            }
        } catch (OrtException | RuntimeException e) {
            feed.values().forEach(OnnxTensor::close);
            throw e;
        }
        return feed;
    }

    /** Fixes the model's named dynamic dimensions to the given shapes, so ORT plans static shapes. */
    static void fixSymbols(OrtSession.SessionOptions options, List<ValueInfo> declared, Map<String, TensorShape> given) throws OrtException {
        for (ValueInfo v : declared) {
            TensorShape g = given.get(v.name());
            if (g == null || v.shape() == null) continue;
            for (int i = 0; i < v.shape().rank(); i++) {
                String symbol = v.shape().symbols()[i];
                if (symbol != null && v.shape().dim(i) < 0) options.setSymbolicDimensionValue(symbol, g.dim(i));
            }
        }
    }
}
