package dev.halo.app.search;

import java.nio.file.Path;
import java.util.List;

/**
 * A latency-constrained search: the space, exactly one latency source ({@code latencyTable}, {@code latencyModels} or
 * {@code adaptFrom}), the devices and their budgets, the accuracy to maximise and the algorithm's budget. Texts are
 * parsed (and refused with a message naming the option) when the search is set up; the budget and the sample count
 * are checked here, against halo's {@link dev.halo.io.Limits}. {@code method} null: the default
 * method ({@code auto}).
 */
public record SearchRequest(String space, Path latencyTable, List<Path> latencyModels, Path adaptFrom, List<String> devices,
        List<String> maxLatency, String margin, String marginRule, String leaveOut, String accuracyTolerance, String method, Path model,
        int samples, Path trueLatency, Path accuracy, String metric, String proxy, int budget, long seed) {
    public SearchRequest {
        devices = devices == null ? List.of() : List.copyOf(devices);
        maxLatency = maxLatency == null ? List.of() : List.copyOf(maxLatency);
        int sources = (latencyTable != null ? 1 : 0) + (latencyModels != null && !latencyModels.isEmpty() ? 1 : 0) + (adaptFrom != null ? 1 : 0);
        if (sources != 1) throw new dev.halo.BadInputException("give exactly one latency source: --latency-table, --latency-model or --adapt-from");
        if (budget <= 0) throw new dev.halo.BadInputException("--budget must be > 0 evaluations, got " + budget);
        dev.halo.io.Limits.check("--budget", budget, 1, 10_000_000);
        dev.halo.io.Limits.check("--samples", samples, 1, 10_000);
    }
}
