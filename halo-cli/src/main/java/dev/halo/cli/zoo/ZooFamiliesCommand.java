package dev.halo.cli.zoo;

import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.app.zoo.Zoo;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "families", mixinStandardHelpOptions = true,
        description = "List the model families, the ranges their samplers draw from, and their presets.")
public final class ZooFamiliesCommand implements Runnable {
    @Mixin FormatOption format;
    @Spec CommandSpec spec;

    @Override
    public void run() {
        Table t = new Table("family", "sampled ranges", "presets");
        for (Zoo.Family f : Zoo.families()) t.row(f.name(), f.description(), String.join(" ", f.presets()));
        t.print(format.format, new PrintWriter(spec.commandLine().getOut(), true));
    }
}
