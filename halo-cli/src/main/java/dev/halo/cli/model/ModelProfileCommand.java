package dev.halo.cli.model;

import dev.halo.BadInputException;
import dev.halo.app.model.ProfileModels;
import dev.halo.cli.measure.MeasureOptions;
import dev.halo.cli.progress.BarListener;
import dev.halo.cli.progress.GracefulStop;
import dev.halo.measure.MeasureSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Profile models on this machine into a kernel corpus folder.",
            "For each model: the kernels ONNX Runtime",
            "executes (after its graph optimisation), each kernel's time from ORT's profiler, and the model's latency",
            "timed after profiling. The corpus (models.csv, kernels.csv, device.json) is what a kernel-level latency",
            "model is fitted on or scored against. Resumable: models already in the corpus are skipped.",
            "",
            "Examples:",
            "  halo model profile --zoo-sample 300 --seed 1 --corpus corpus/",
            "  halo model profile .cache/models/*.onnx --index .cache/models/index.csv --rounds 2 --corpus tv/"})
public final class ModelProfileCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE.onnx", arity = "0..*", description = "ONNX files to profile (static input shapes).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--index", paramLabel = "CSV", description = "A CSV with columns file and family (e.g. bench/torchvision-corpus.py's index.csv): the family of each FILE.")
    Path index;

    @Option(names = "--zoo-sample", paramLabel = "N", description = "Also profile N zoo models of --family drawn with --seed.")
    Integer zooSample;

    @Option(names = "--family", defaultValue = "all", description = "Family of --zoo-sample (default: ${DEFAULT-VALUE}).")
    String family;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of --zoo-sample and of the weights and inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--profile-runs", defaultValue = "10", description = "Profiled runs per model after warm-up (default: ${DEFAULT-VALUE}).")
    int profileRuns;

    @Option(names = "--rounds", defaultValue = "1", description = "Timing rounds per model, each in a fresh session (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--corpus", required = true, paramLabel = "DIR", description = "Corpus folder (created if missing; one device per folder).")
    Path corpus;

    @Mixin MeasureOptions how = new MeasureOptions();

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        MeasureSettings settings = how.settings();
        List<ProfileModels.Source> sources = new ArrayList<>();
        if (zooSample != null) sources.addAll(ProfileModels.zooSources(family, zooSample, seed));
        Map<String, String> families = index == null ? Map.of() : families(index);
        for (Path f : files) {
            String fam = families.get(f.getFileName().toString());
            if (index != null && fam == null) throw new BadInputException(index + ": no row for " + f.getFileName());
            sources.add(ProfileModels.Source.File.of(f, fam == null ? "custom" : fam));
        }
        if (sources.isEmpty()) throw new BadInputException("nothing to profile: give FILE.onnx arguments or --zoo-sample N");
        var request = new ProfileModels.Request(sources, settings, profileRuns, rounds, seed, corpus);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BarListener progress = new BarListener(err);
        return GracefulStop.run("halo-model-profile-stop", settings.timeoutSeconds() * (rounds + 1) + 5, progress::cancel, () -> {
            ProfileModels.Result r;
            try (progress) {
                r = ProfileModels.run(request, progress);
            }
            out.printf(Locale.ROOT, "device %s (%s)%nprofiled now %d, already in the corpus %d, failed %d, %.2f min%ncorpus %s%n",
                    r.device().label(), r.device().id(), r.profiled(), r.skipped(), r.failed().size(), r.minutes(), corpus);
            r.failed().forEach(f -> err.println("halo: failed " + f));
            out.flush();
            return r.failed().isEmpty() ? 0 : 1;
        });
    }

    /** file name -> family, from a CSV whose header names the columns {@code file} and {@code family}. */
    static Map<String, String> families(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv, e);
        }
        if (lines.isEmpty()) throw new BadInputException(csv + ": empty");
        List<String> header = List.of(lines.get(0).split(","));
        int file = header.indexOf("file"), fam = header.indexOf("family");
        if (file < 0 || fam < 0) throw new BadInputException(csv + ": line 1: needs columns 'file' and 'family'");
        Map<String, String> out = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            if (f.length <= Math.max(file, fam)) throw new BadInputException(csv + ": line " + (i + 1) + ": too few fields");
            out.put(f[file], f[fam]);
        }
        return out;
    }
}
