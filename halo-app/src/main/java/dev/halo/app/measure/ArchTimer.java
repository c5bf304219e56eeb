package dev.halo.app.measure;

import dev.halo.measure.MeasureSettings;
import dev.halo.measure.OrtLatencyMeter;
import dev.halo.measure.Outcome;
import dev.halo.onnx.NetworkExporter;
import dev.halo.onnx.NetworkExporters;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.util.HashMap;
import java.util.Map;

/**
 * Times one architecture of a built-in space on this machine with halo's harness ({@link OrtLatencyMeter}: the
 * network exported at the settings' batch with weights from seed 0, warm-up, then timed runs until the median is
 * stable or a cap is hit), as {@code halo measure} and {@code halo onboard} do. Used by farm agents; one meter per
 * (space, settings) is kept. Not thread-safe.
 */
public final class ArchTimer {
    private final Map<String, OrtLatencyMeter> meters = new HashMap<>();

    /** The outcome of timing {@code arch} (any accepted spelling) of space {@code spaceName} under {@code settings}. */
    public Outcome measure(String spaceName, String arch, MeasureSettings settings) {
        SearchSpace<?> space = Spaces.byName(spaceName);
        NetworkExporter exporter = NetworkExporters.forSpace(space);
        OrtLatencyMeter meter = meters.computeIfAbsent(space.name() + settings.toJson(),
                k -> new OrtLatencyMeter(settings, c -> exporter.export(space.parse(c), settings.batch(), 0)));
        return meter.measure(space.parse(arch).canonical());
    }
}
