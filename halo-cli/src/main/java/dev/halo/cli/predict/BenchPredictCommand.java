package dev.halo.cli.predict;

import dev.halo.app.bench.Machine;
import dev.halo.app.bench.PredictionSpeed;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;


/** {@code halo bench predict}: prints {@link PredictionSpeed}'s timings with the machine's load. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Time HELP adaptation to one device and whole-space NB201 prediction (in-process). cold: a fresh arch "
                + "list (encoding and graph planning included); warm: the same list again (plan reused). The op-costs rows time "
                + "its fit (with the leave-one-out refits of its intervals) and its whole-space prediction. Reports wall and "
                + "thread CPU time and the load average."})
public final class BenchPredictCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", description = "NB201 model (default: as 'halo adapt' picks it).")
    Path model;

    @Option(names = "--dataset", paramLabel = "DIR", description = "NB201 dataset folder (default: shared help/nasbench201).")
    Path dataset;

    @Option(names = "--device", defaultValue = "titan_rtx_256", description = "Device whose true latencies serve as samples (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--samples", defaultValue = "10", description = "Samples besides the reference archs (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--mc", split = ",", defaultValue = "0,10", description = "Monte-Carlo draw counts to time (default: ${DEFAULT-VALUE}).")
    List<Integer> mcs;

    @Option(names = "--warmup", defaultValue = "5", description = "Uncounted warm-up rounds (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--reps", defaultValue = "15", description = "Timed repetitions (default: ${DEFAULT-VALUE}).")
    int reps;

    @Mixin FormatOption format;

    @Override
    public Integer call() {
        PredictionSpeed.Result r = PredictionSpeed.run(new PredictionSpeed.Request(model, dataset, device, samples, mcs, warmup, reps));
        Table t = new Table("task", "mc", "median_ms", "min_ms", "max_ms", "median_cpu_ms", "reps", "spearman_all");
        for (PredictionSpeed.Row row : r.rows())
            t.row(row.task(), row.mc(), row.medianMs(), row.minMs(), row.maxMs(), row.medianCpuMs(), row.reps(), row.spearmanAll());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("device %s, %d reference archs + %d support archs drawn with seed 0, model %s%n", r.device(), r.references(), r.samples(), r.model());
        out.println(Machine.describe());
        t.print(format.format, out);
        out.printf("(checksum %.6g)%n", r.checksum());
        out.flush();
        return 0;
    }
}
