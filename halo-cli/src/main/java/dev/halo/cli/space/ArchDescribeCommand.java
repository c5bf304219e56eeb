package dev.halo.cli.space;

import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Graph;
import dev.halo.space.Nb201Space;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "describe", mixinStandardHelpOptions = true,
        description = {"Describe architectures: canonical form, NB201 index, MFLOPs, parameters, encoding shape.",
            "Malformed or out-of-space architectures are rejected with the position and the allowed values (exit 2)."})
public final class ArchDescribeCommand implements Runnable {
    @Option(names = "--space", required = true, description = "Search space: nasbench201, fbnet or ofa.")
    String spaceName;

    @Parameters(arity = "1..*", paramLabel = "ARCH", description = "Architecture strings (quote them in the shell).")
    List<String> archs;

    @Mixin FormatOption format;
    @Spec CommandSpec spec;

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void run() {
        SearchSpace space = Spaces.byName(spaceName);
        Table table = new Table("space", "canonical", "nb201_index", "output_connected", "mflops", "params", "encoding");
        for (String text : archs) {
            Architecture arch = space.parse(text);
            Integer index = null;
            Boolean connected = null;
            String encoding = "flat " + space.flatEncoding(arch).length;
            if (space instanceof Nb201Space nb && arch instanceof Nb201Arch a) {
                index = nb.index(a);
                connected = Nb201Space.outputConnected(a);
                encoding += "; graph " + Nb201Graph.NODES + "x" + Nb201Graph.NODES + " adjacency + " + Nb201Graph.NODES + "x" + Nb201Graph.FEATURES + " op one-hot";
            }
            table.row(space.name(), arch.canonical(), index, connected, space.mflops(arch), space.params(arch), encoding);
        }
        table.print(format.format, new PrintWriter(spec.commandLine().getOut(), true));
    }
}
