package dev.halo.onnx.zoo;

import dev.halo.onnx.OnnxGraphBuilder;
import dev.halo.onnx.OnnxNetwork;

/**
 * One generated model: an immutable record of a family's hyper-parameters. Its {@link #canonical()} string is its
 * identity ({@code family:key=value:...}); {@link ModelZoo#parse} of it gives an equal record back.
 */
public interface ZooModel {
    /** The family name, the prefix of {@link #canonical()}. */
    String family();

    /** {@code family:key=value:key=value...} with every hyper-parameter, keys in a fixed order. */
    String canonical();

    /**
     * Input height and width (square RGB images, batch fixed at export); for a {@link MicroKernels} model the side of
     * its input map, or 0 when its input is read as a sequence or matrices.
     */
    int resolution();

    /** Builds the network into {@code builder} (weighted or structure-only); the output is {@code [batch, classes]}. */
    OnnxNetwork export(OnnxGraphBuilder builder);

    /** The runnable network with weights drawn from {@code seed}. */
    default OnnxNetwork export(int batch, long seed) {
        return export(new OnnxGraphBuilder(batch, seed));
    }

    /** Layers, shapes and counts only (no weight data). */
    default OnnxNetwork structure() {
        return export(OnnxGraphBuilder.structureOnly(1));
    }
}
