package dev.halo.cli.zoo;

import dev.halo.app.zoo.Zoo;
import dev.halo.io.Limits;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sample", mixinStandardHelpOptions = true,
        description = {"Draw distinct models of one family, or of all families in turn (reproducible with --seed).",
            "Prints CSV: spec,family,resolution,params,macs; the file is a valid --specs file for 'halo zoo measure'",
            "and a longer draw with the same seed starts with the shorter one."})
public final class ZooSampleCommand implements Runnable {
    @Option(names = "--family", defaultValue = "all", description = "A family name (see 'halo zoo families') or all (default: ${DEFAULT-VALUE}).")
    String family;

    @Option(names = {"-n", "--count"}, defaultValue = "10", description = "How many (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec CommandSpec spec;

    @Override
    public void run() {
        if (count > 0) Limits.check("--count", count, 1, Limits.MAX_ARCHS);
        PrintWriter out = new PrintWriter(spec.commandLine().getOut(), true);
        Zoo.sample(family, count, seed).forEach(out::println);
        out.flush();
    }
}
