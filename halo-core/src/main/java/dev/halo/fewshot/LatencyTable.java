package dev.halo.fewshot;

import dev.halo.BadInputException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of a latency benchmark the few-shot protocol needs: measured latency (ms) of every architecture
 * (by row index) on every device, and the rows of the reference architectures whose latencies form a
 * device's hardware embedding. Kept this narrow so that a method can be handed a view without the test
 * devices (see {@link #only}), and so that tests can build tables in code.
 */
public interface LatencyTable {
    int archCount();

    List<String> deviceNames();

    /** Latency of every architecture on {@code device}, ms, indexed by architecture row; never modify it. */
    double[] latencies(String device);

    /** Rows of the reference architectures (HELP's hardware-embedding set), in embedding order. */
    int[] referenceArchIndices();

    /** An in-memory table; arrays are used as given (not copied), every device must cover every row. */
    static LatencyTable of(int archCount, Map<String, double[]> latencyByDevice, int[] referenceArchIndices) {
        return new InMemory(archCount, new LinkedHashMap<>(latencyByDevice), referenceArchIndices.clone());
    }

    /** A view with only {@code devices} (in that order); an unknown name is a {@link BadInputException}. */
    default LatencyTable only(Collection<String> devices) {
        Map<String, double[]> kept = new LinkedHashMap<>();
        for (String d : devices) kept.put(d, latencies(d));
        return of(archCount(), kept, referenceArchIndices());
    }

    record InMemory(int archCount, Map<String, double[]> latencyByDevice, int[] referenceArchIndices) implements LatencyTable {
        public InMemory {
            for (var e : latencyByDevice.entrySet())
                if (e.getValue().length != archCount)
                    throw new IllegalArgumentException(
                            "device " + e.getKey() + " has " + e.getValue().length + " latencies, expected " + archCount);
            for (int r : referenceArchIndices)
                if (r < 0 || r >= archCount) throw new IllegalArgumentException("reference arch " + r + " out of range");
        }

        @Override
        public List<String> deviceNames() {
            return List.copyOf(latencyByDevice.keySet());
        }

        @Override
        public double[] latencies(String device) {
            double[] l = latencyByDevice.get(device);
            if (l == null) throw new BadInputException("unknown device '" + device + "'; known: " + String.join(",", deviceNames()));
            return l;
        }

        @Override
        public int[] referenceArchIndices() {
            return referenceArchIndices.clone();
        }
    }
}
