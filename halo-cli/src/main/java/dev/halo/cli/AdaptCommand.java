package dev.halo.cli;

import dev.halo.BadInputException;
import dev.halo.predict.help.AdaptedHelpPredictor;
import dev.halo.predict.help.HelpAdaptation;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.predict.help.HelpModelLoader;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo adapt}: a HELP model + one device's measurements → an adapted predictor file. */
@Command(name = "adapt", mixinStandardHelpOptions = true,
        description = {"Adapt a meta-trained HELP model to a new device from the latencies of its 10 reference architectures",
                "and a few measured (architecture, ms) samples; writes a predictor file (reload with HelpAdaptation.load)."})
public final class AdaptCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "halo HELP model file, or HELP's .pt checkpoint (then --space is needed).")
    Path model;

    @Option(names = "--space", description = "Search space of a .pt checkpoint: nasbench201 or fbnet.")
    String space;

    @Option(names = "--device", required = true, description = "Name of the device (recorded in the file).")
    String device;

    @Option(names = "--reference-ms", required = true, split = ",", description = "Latencies (ms) of the model's 10 reference architectures, in order.")
    double[] referenceMs;

    @Option(names = "--samples", required = true, description = "CSV with header 'arch,ms': measured architectures of the device.")
    Path samples;

    @Option(names = "--mc", defaultValue = "0", description = "z samples to average (default: ${DEFAULT-VALUE} = z at its posterior mean).")
    int mc;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the z samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Predictor file to write.")
    Path out;

    @Override
    public Integer call() {
        HelpModelFile.Stored stored;
        if (Files.isRegularFile(model) && model.toString().endsWith(".pt")) {
            if (space == null) throw new BadInputException("--space is needed with a .pt checkpoint");
            stored = HelpModelLoader.read(model, Spaces.byName(space));
        } else {
            stored = HelpModelFile.load(model);
        }
        SearchSpace<?> sp = Spaces.byName(stored.provenance().space());
        List<Architecture> archs = new ArrayList<>();
        List<Double> ms = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(samples);
        } catch (IOException e) {
            throw new BadInputException(samples + ": cannot read: " + e.getMessage());
        }
        if (lines.isEmpty() || !lines.get(0).trim().equalsIgnoreCase("arch,ms")) throw new BadInputException(samples + " line 1: header must be 'arch,ms'");
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) continue;
            int c = line.lastIndexOf(',');
            if (c < 0) throw new BadInputException(samples + " line " + (i + 1) + ": expected 'arch,ms'");
            try {
                archs.add(sp.parse(line.substring(0, c).trim()));
            } catch (BadInputException e) {
                throw new BadInputException(samples + " line " + (i + 1) + " field arch: " + e.getMessage());
            }
            try {
                ms.add(Double.parseDouble(line.substring(c + 1).trim()));
            } catch (NumberFormatException e) {
                throw new BadInputException(samples + " line " + (i + 1) + " field ms: not a number: " + line.substring(c + 1).trim());
            }
        }
        AdaptedHelpPredictor p = HelpAdaptation.adapt(stored, device, referenceMs, archs, ms.stream().mapToDouble(Double::doubleValue).toArray(),
                new HelpAdaptation.Options(mc, seed));
        HelpAdaptation.save(out, p);
        double[] fit = p.predictMs(archs);
        double err = 0;
        for (int i = 0; i < fit.length; i++) err += Math.abs(fit[i] - ms.get(i)) / ms.get(i) / fit.length;
        PrintWriter o = spec.commandLine().getOut();
        o.printf("wrote %s: %s adapted to %s from %d samples (mean |error| on the samples %.1f %%)%n", out, stored.provenance().space(), device, archs.size(), 100 * err);
        o.flush();
        return 0;
    }
}
