package dev.halo.measure;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/** ONNX Runtime graph optimisation levels halo measures at. */
public enum GraphOptimization {
    /** Every fusion and layout transformation ONNX Runtime has: what a deployed model gets. */
    ALL(OptLevel.ALL_OPT),
    /** The graph as exported, one kernel per node: what per-operator profiles need. */
    NONE(OptLevel.NO_OPT);

    private final OptLevel level;

    GraphOptimization(OptLevel level) {
        this.level = level;
    }

    OptLevel ortLevel() {
        return level;
    }
}
