package dev.halo.cli.space;

import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.io.PrintWriter;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "spaces", mixinStandardHelpOptions = true,
        description = {"List the built-in search spaces: size, encoding length and what one architecture looks like.", "",
            "Example:  halo spaces --format json"})
public final class SpacesCommand implements Runnable {
    @Mixin FormatOption format;
    @Spec CommandSpec spec;

    @Override
    public void run() {
        Table table = new Table("space", "archs", "encoding", "example", "description");
        for (SearchSpace<?> space : Spaces.all()) table.row(space.name(), sizeText(space.size()), encodingLength(space),
                space.sample(new Random(0)).canonical(), space.description());
        table.print(format.format, new PrintWriter(spec.commandLine().getOut(), true));
    }

    static String sizeText(double size) {
        return size < 1e9 ? String.format(java.util.Locale.ROOT, "%,d", (long) size) : String.format(java.util.Locale.ROOT, "%.3g", size);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int encodingLength(SearchSpace space) {
        return space.flatEncoding(space.sample(new Random(0))).length;
    }
}
