package dev.halo.cli.data;

import dev.halo.cli.output.Format;
import dev.halo.cli.output.Table;
import dev.halo.server.StoreImport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo data import-store}: the CLI's measurement stores into the server's database, without loss. */
@Command(
        name = "import-store",
        mixinStandardHelpOptions = true,
        description = {
            "Copy what 'halo measure' or 'halo onboard' stored into the database 'halo serve' uses.",
            "It copies every device with its fingerprint, every measurement with all its statistics, settings and times.",
            "Running it again adds nothing twice (a measurement is one device, architecture and round).",
            "Devices are named fp-FINGERPRINT unless --device FINGERPRINT=NAME names them.",
            "",
            "Example:",
            "  halo data import-store --store onboard-box/measurements.db --device e32ad48a28403296=box"
        })
public final class DataImportStoreCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--store", required = true, arity = "1", paramLabel = "FILE", description = "SQLite measurement store(s).")
    List<Path> stores;

    @Option(names = "--db", paramLabel = "URL", description = "The server's database: a SQLite file or postgresql://... (default: ~/.halo/server/halo.db, as halo serve).")
    String db;

    @Option(names = "--device", arity = "1", paramLabel = "FINGERPRINT=NAME", description = "Name for a store's device (default: fp-FINGERPRINT).")
    Map<String, String> devices = Map.of();

    @Override
    public void run() {
        String url = db != null ? db : Path.of(System.getProperty("user.home"), ".halo", "server", "halo.db").toString();
        List<StoreImport.Imported> done = StoreImport.run(url, stores, devices);
        Table t = new Table("store", "device", "fingerprint", "rows", "new", "already there");
        for (StoreImport.Imported i : done) t.row(i.store().toString(), i.device(), i.fingerprint(), i.rows(), i.inserted(), i.skipped());
        t.print(Format.table, spec.commandLine().getOut());
        spec.commandLine().getOut().flush();
    }
}
