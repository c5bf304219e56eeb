package dev.halo.cli.space;

import picocli.CommandLine.Command;

@Command(name = "arch", mixinStandardHelpOptions = true,
        description = {"Inspect and sample architectures of a search space.", "",
            "Examples:",
            "  halo arch describe --space nasbench201 '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'",
            "  halo arch describe --space nasbench201 1234          (an NB201 index works too)",
            "  halo arch sample --space fbnet -n 5 --seed 7 --format csv"},
        subcommands = {ArchDescribeCommand.class, ArchSampleCommand.class})
public final class ArchCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
