package dev.halo.cli.space;

import dev.halo.BadInputException;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.io.PrintWriter;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "sample", mixinStandardHelpOptions = true,
        description = {"Draw architectures uniformly at random (reproducible with --seed).",
            "With --format csv the output is a valid --archs file for 'halo measure' and 'halo predict'."})
public final class ArchSampleCommand implements Runnable {
    @Option(names = "--space", required = true, description = "Search space: nasbench201, fbnet or ofa.")
    String spaceName;

    @Option(names = {"-n", "--count"}, defaultValue = "10", description = "How many (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin FormatOption format;
    @Spec CommandSpec spec;

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void run() {
        if (count < 1) throw new BadInputException("--count must be at least 1, got " + count);
        dev.halo.io.Limits.check("--count", count, 1, dev.halo.io.Limits.MAX_ARCHS);
        SearchSpace space = Spaces.byName(spaceName);
        SplittableRandom rng = new SplittableRandom(seed);
        Table table = new Table("arch", "mflops", "params");
        for (int i = 0; i < count; i++) {
            Architecture arch = space.sample(rng);
            table.row(arch.canonical(), space.mflops(arch), space.params(arch));
        }
        table.print(format.format, new PrintWriter(spec.commandLine().getOut(), true));
    }
}
