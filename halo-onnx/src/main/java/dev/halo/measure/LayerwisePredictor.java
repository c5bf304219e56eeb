package dev.halo.measure;

import dev.halo.onnx.OnnxNetwork;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import java.util.List;
import java.util.function.Function;

/**
 * HELP's "layer-wise" baseline: an architecture's latency is the sum of its operators' latencies from a per-operator
 * table profiled on the device. It ignores everything between kernels (fusion, memory traffic, scheduling), which
 * is exactly what makes it a baseline.
 */
public final class LayerwisePredictor implements LatencyPredictor {
    private final String space;
    private final OpLatencyTable table;
    private final Function<Architecture, OnnxNetwork> structure;

    /**
     * @param structure exports an architecture's layers, e.g. with {@link dev.halo.onnx.OnnxGraphBuilder#structureOnly}
     *     at the table's batch size
     */
    public LayerwisePredictor(String space, OpLatencyTable table, Function<Architecture, OnnxNetwork> structure) {
        this.space = space;
        this.table = table;
        this.structure = structure;
    }

    @Override
    public String space() {
        return space;
    }

    @Override
    public double[] predictMs(List<? extends Architecture> archs) {
        double[] out = new double[archs.size()];
        for (int i = 0; i < out.length; i++) out[i] = table.networkMs(structure.apply(archs.get(i)).layers());
        return out;
    }
}
