package dev.halo.search;

import dev.halo.space.Architecture;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The true latency of an architecture on a device, where it can be known: a measured dataset column, or a
 * measurement run on the device itself. Used only to report the chosen architecture, never to steer the search.
 */
@FunctionalInterface
public interface LatencyVerifier {
    /** The true latency in ms, or empty if this verifier cannot tell for that device. */
    OptionalDouble trueMs(String device, Architecture arch);

    /** Knows nothing. */
    static LatencyVerifier none() {
        return (device, arch) -> OptionalDouble.empty();
    }

    /** Looks devices up in measured tables. */
    static LatencyVerifier fromTables(Map<String, TableLatencyPredictor> byDevice) {
        Map<String, TableLatencyPredictor> tables = Map.copyOf(byDevice);
        return (device, arch) -> {
            TableLatencyPredictor t = tables.get(device);
            return t == null ? OptionalDouble.empty() : t.lookup(arch);
        };
    }
}
