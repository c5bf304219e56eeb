package dev.halo.search;

import dev.halo.BadInputException;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The "predictor" that knows: measured latencies of one device, looked up by {@link Architecture#canonical()}.
 * It is the ground truth for evaluation (oracle search) and the exact constraint when a whole space was measured.
 */
public final class TableLatencyPredictor implements LatencyPredictor {
    private final String space;
    private final String source;
    private final Map<String, Double> msByCanonical;

    /**
     * @param space the search space name
     * @param source where the numbers come from, for messages (e.g. {@code latency.csv column gold_6226})
     * @param msByCanonical latency in ms per canonical architecture string
     */
    public TableLatencyPredictor(String space, String source, Map<String, Double> msByCanonical) {
        this.space = space;
        this.source = source;
        this.msByCanonical = Map.copyOf(msByCanonical);
    }

    @Override
    public String space() {
        return space;
    }

    /** The measured latency if the table has this architecture. */
    public OptionalDouble lookup(Architecture arch) {
        Double v = msByCanonical.get(arch.canonical());
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    @Override
    public double[] predictMs(List<? extends Architecture> archs) {
        double[] out = new double[archs.size()];
        for (int i = 0; i < out.length; i++) {
            Architecture a = archs.get(i);
            Double v = msByCanonical.get(a.canonical());
            if (v == null) throw new BadInputException(source + ": no latency for architecture " + a.canonical());
            out[i] = v;
        }
        return out;
    }
}
