package dev.halo.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/** Runs an exported network once in ONNX Runtime and returns its output. */
final class OrtTestSupport {
    private OrtTestSupport() {}

    record Output(long[] shape, float[] values) {}

    static Output runOnce(OnnxNetwork net) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(net.bytes(), options)) {
                long[] shape = net.inputShape();
                float[] input = new float[Math.toIntExact(shape[0] * shape[1] * shape[2] * shape[3])];
                for (int i = 0; i < input.length; i++) input[i] = (float) Math.sin(i);
                try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
                        OrtSession.Result result = session.run(Map.of(net.inputName(), in))) {
                    OnnxTensor out = (OnnxTensor) result.get(0);
                    FloatBuffer buf = out.getFloatBuffer();
                    float[] values = new float[buf.remaining()];
                    buf.get(values);
                    return new Output(out.getInfo().getShape(), values);
                }
            }
        }
    }
}
