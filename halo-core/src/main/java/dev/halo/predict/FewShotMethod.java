package dev.halo.predict;

import dev.halo.fewshot.FewShotTask;

/**
 * A way to predict latency on a device from a few measurements there. Two stages, because most methods
 * learn something once from the known devices (meta-training, a regularisation choice, a loaded
 * checkpoint) and then adapt cheaply to each new device:
 * <pre>{@code
 * FewShotMethod.Adapter adapter = method.prepare(context);   // once per split
 * LatencyPredictor p = adapter.adapt(task);                  // once per (device, seed)
 * }</pre>
 * Meta-learned (HELP), device-combination baselines and purely supervised learners (which ignore the
 * context and fit the task's samples) all fit this shape.
 */
public interface FewShotMethod {
    /** Short name for reports and {@code --method}. */
    String name();

    /**
     * Whether the predictor's outputs are milliseconds. Proxies such as FLOPs only order architectures; the
     * evaluator then maps their outputs to ms with a least-squares line through the task's known latencies
     * before computing errors (rank measures are unaffected).
     */
    default boolean predictsMilliseconds() {
        return true;
    }

    /** Learns what it needs from the train/valid devices (never the test devices). */
    Adapter prepare(FewShotContext context);

    /** Turns one few-shot task into a predictor for that device. */
    @FunctionalInterface
    interface Adapter {
        LatencyPredictor adapt(FewShotTask task);

        /** What {@code prepare} decided (a chosen hyper-parameter, a loaded checkpoint), for reports; may be empty. */
        default String summary() {
            return "";
        }
    }
}
