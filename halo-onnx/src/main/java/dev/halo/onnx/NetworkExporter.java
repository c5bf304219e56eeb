package dev.halo.onnx;

import dev.halo.space.Architecture;

/** Turns architectures of one search space into runnable ONNX networks. */
public interface NetworkExporter {
    /** The space this exporter understands ({@link dev.halo.space.SearchSpace#name()}). */
    String space();

    /** Builds {@code arch} into {@code builder} (a weighted or a {@link OnnxGraphBuilder#structureOnly} builder). */
    OnnxNetwork export(Architecture arch, OnnxGraphBuilder builder);

    /** The runnable network of {@code arch} at {@code batch}, with weights drawn from {@code seed}. */
    default OnnxNetwork export(Architecture arch, int batch, long seed) {
        return export(arch, new OnnxGraphBuilder(batch, seed));
    }

    /** Layers, shapes and counts only (no weight data): for lookup-table predictors and cost checks. */
    default OnnxNetwork structure(Architecture arch, int batch) {
        return export(arch, OnnxGraphBuilder.structureOnly(batch));
    }
}
