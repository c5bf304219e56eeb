package dev.halo.server;

import dev.halo.BadInputException;
import dev.halo.measure.LatencyStats;
import dev.halo.measure.MeasurementStore;
import dev.halo.measure.Outcome;
import dev.halo.server.db.Database;
import dev.halo.server.db.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Copies the CLI's SQLite measurement stores ({@code halo measure}, {@code halo onboard}) into the server's database
 * without loss: every device with its fingerprint and first-seen time, every measurement with all its statistics,
 * settings, failure and times. Idempotent: rows already in the database (same device, architecture, round) are skipped.
 */
public final class StoreImport {
    private StoreImport() {}

    /** One device of one store: how many rows it held, how many were new. */
    public record Imported(Path store, String device, String fingerprint, int rows, int inserted, int skipped) {}

    /** The default server name of a store's device: "fp-" and its fingerprint id. */
    public static String defaultName(String fingerprintId) {
        return "fp-" + fingerprintId;
    }

    /** Imports every device of every store into the database at {@code dbUrl}; {@code names} maps fingerprint ids to device names. */
    public static List<Imported> run(String dbUrl, List<Path> stores, Map<String, String> names) {
        for (Path s : stores) if (!Files.isRegularFile(s)) throw new BadInputException("--store " + s + ": no such measurement store");
        try (Database db = Database.open(dbUrl)) {
            Repository repo = new Repository(db);
            List<Imported> out = new ArrayList<>();
            for (Path s : stores) out.addAll(into(repo, s, fp -> names.getOrDefault(fp, defaultName(fp)), "import " + s.toAbsolutePath().normalize()));
            return out;
        }
    }

    /**
     * Imports the store's devices into {@code repo}, each in one transaction, under the name {@code nameOf} gives their
     * fingerprint id (null: that device is skipped). {@code source} is the provenance stored with each new row.
     */
    public static List<Imported> into(Repository repo, Path store, Function<String, String> nameOf, String source) {
        List<Imported> out = new ArrayList<>();
        try (MeasurementStore ms = MeasurementStore.open(store)) {
            for (MeasurementStore.DeviceRow d : ms.devices()) {
                String name = nameOf.apply(d.fingerprint());
                if (name == null) continue;
                long device = repo.device(name, d.fingerprint(), d.provenanceJson(), d.label(), d.createdAt());
                List<Repository.NewMeasurement> rows = new ArrayList<>();
                for (MeasurementStore.StoredRow r : ms.allRows(d.id())) {
                    if (r.outcome() instanceof Outcome.Measured m) {
                        LatencyStats st = m.stats();
                        rows.add(new Repository.NewMeasurement(r.space(), r.canonical(), r.round(), st.runs(), st.minMs(), st.medianMs(), st.p90Ms(),
                                st.meanMs(), st.cv(), st.robustCv(), Double.isFinite(st.medianRelCi()) ? st.medianRelCi() : null, null,
                                r.settingsJson(), r.startedAt(), r.finishedAt()));
                    } else if (r.outcome() instanceof Outcome.Failed f) {
                        rows.add(new Repository.NewMeasurement(r.space(), r.canonical(), r.round(), null, null, null, null, null, null, null, null,
                                f.reason(), r.settingsJson(), r.startedAt(), r.finishedAt()));
                    }
                }
                Repository.Stored stored = repo.addMeasurements(device, source, rows);
                out.add(new Imported(store, name, d.fingerprint(), rows.size(), stored.inserted(), stored.skipped()));
            }
        }
        return out;
    }
}
