package dev.halo.cli.search;

import dev.halo.cli.output.Table;
import dev.halo.search.Candidate;
import dev.halo.search.LatencyConstraint;
import dev.halo.search.SearchResult;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** The table {@code halo search} prints for a search's choice. */
final class SearchTable {
    private SearchTable() {}

    /**
     * One row per device: the chosen architecture with its predicted and (where known) true latency there.
     *
     * @param measuredHere the choice's latency measured on this machine (empty: failed), or null for no such column
     */
    static Table of(SearchResult<?> r, OptionalDouble measuredHere) {
        Candidate<?> best = r.best();
        boolean anyTrue = best.trueMs().stream().anyMatch(v -> !Double.isNaN(v));
        List<String> cols = new ArrayList<>(List.of("arch", "accuracy", "device", "max_ms", "margin", "predicted_ms"));
        if (anyTrue) cols.add("true_ms");
        if (measuredHere != null) cols.add("measured_here_ms");
        cols.addAll(List.of("algorithm", "evaluations", "seconds"));
        Table t = new Table(cols);
        for (int j = 0; j < r.constraints().size(); j++) {
            LatencyConstraint c = r.constraints().get(j);
            List<Object> row = new ArrayList<>(List.of(best.arch().canonical(), best.accuracy(), c.device(), c.maxMs(), c.margin(), best.predictedMs(j)));
            if (anyTrue) row.add(Double.isNaN(best.trueMs(j)) ? null : best.trueMs(j));
            if (measuredHere != null) row.add(measuredHere.isPresent() ? measuredHere.getAsDouble() : null);
            row.addAll(List.of(r.algorithm(), r.evaluations(), r.seconds()));
            t.row(row.toArray());
        }
        return t;
    }
}
