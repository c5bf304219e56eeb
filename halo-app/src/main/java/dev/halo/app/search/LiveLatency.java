package dev.halo.app.search;

import dev.halo.measure.DeviceFingerprint;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.OrtLatencyMeter;
import dev.halo.measure.Outcome;
import dev.halo.onnx.NetworkExporter;
import dev.halo.onnx.NetworkExporters;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * Latency measured on this machine, now, through ONNX Runtime with halo's default measurement settings (1 thread,
 * batch 1, warm-up, runs until the median is stable): the median run, in ms. A failure is passed to the notes and
 * comes back empty.
 */
public final class LiveLatency {
    private final MeasureSettings settings = MeasureSettings.defaults();
    private final NetworkExporter exporter;
    private final Map<String, Architecture> byCanonical = new HashMap<>();
    private final OrtLatencyMeter meter;
    private final Consumer<String> notes;

    public LiveLatency(SearchSpace<?> space, Consumer<String> notes) {
        this.exporter = NetworkExporters.forSpace(space);
        this.meter = new OrtLatencyMeter(settings, canonical -> exporter.export(byCanonical.get(canonical), settings.batch(), 0));
        this.notes = notes;
    }

    /** One line naming what "this machine" is, for the output. */
    public String describe() {
        DeviceFingerprint f = DeviceFingerprint.current(settings);
        return "this machine, ONNX Runtime " + f.label() + " (fingerprint " + f.id() + ")";
    }

    public OptionalDouble medianMs(Architecture arch) {
        byCanonical.put(arch.canonical(), arch);
        Outcome o = meter.measure(arch.canonical());
        return switch (o) {
            case Outcome.Measured m -> OptionalDouble.of(m.stats().medianMs());
            case Outcome.Failed f -> {
                notes.accept("could not measure " + arch.canonical() + ": " + f.reason());
                yield OptionalDouble.empty();
            }
        };
    }
}
