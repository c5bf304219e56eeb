package dev.halo.predict.help;

import dev.halo.BadInputException;
import dev.halo.data.LatencyDataset;
import dev.halo.space.Architecture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One search space's latency benchmark in the form HELP consumes: every architecture encoded for the
 * predictor (row i = arch_index i), the latency of every architecture on every device (ms), and the 10
 * reference architectures of the hardware embedding. Reads the CSV layout of {@code shared/data/help/<space>}
 * through {@link LatencyDataset}.
 */
public record HelpData(String space, HelpEncoder encoder, HelpInputs inputs, Map<String, double[]> latencies, int[] referenceArchs) {

    public double[] latency(String device) {
        double[] l = latencies.get(device);
        if (l == null) throw new BadInputException("device '" + device + "' is not in the " + space + " data (have " + latencies.keySet() + ")");
        return l;
    }

    public HelpNetwork network() {
        return encoder.network();
    }

    public int size() {
        return inputs.size();
    }

    /** Reads {@code dir} with {@link LatencyDataset} and encodes every arch with {@code encoder}. */
    public static HelpData load(Path dir, HelpEncoder encoder) {
        String space = encoder.space().name();
        LatencyDataset ds = LatencyDataset.load(dir, space);
        List<Architecture> parsed = new ArrayList<>();
        for (String a : ds.archStrings()) parsed.add(encoder.space().parse(a));
        Map<String, double[]> latencies = new LinkedHashMap<>();
        for (String d : ds.deviceNames()) latencies.put(d, ds.latencies(d));
        return new HelpData(space, encoder, encoder.encode(parsed), latencies, ds.referenceArchIndices());
    }
}
