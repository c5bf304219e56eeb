package dev.halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code main} builds only the subcommand the first argument names (and below a group, the one the next names); every
 * run must print and exit exactly as with all subcommands built: help, version, usage errors with their argument
 * indices, suggestions for a mistyped name.
 */
class SubcommandSelectionTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "--help", "-V", "--version", "help", "help model", "help model predict", "model", "model --help",
        "model predict --help", "model predict -V", "model predict", "model predcit", "model predict x.onnx", "model predict x.onnx --device",
        "model predict x.onnx --device d.json --top 0x1p3", "model predict a b --device d.json", "zoo families --format csv",
        "zoo", "modle predict", "spaces --nonsense", "--nonsense model", "predict --help", "data --help", "model describe --help",
        "model fit", "model -V predict", "model --nonsense predict", "model predict predict", "model help predict", "help model describe"})
    void aRunPrintsAndExitsAsWithEverySubcommandBuilt(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        Printed selected = run(HaloCommand.newCommandLine(args), args);
        Printed full = run(HaloCommand.newCommandLine(), args);
        assertThat(selected).isEqualTo(full);
    }

    @ParameterizedTest
    @ValueSource(strings = {"model", "zoo", "spaces"})
    void onlyTheNamedSubcommandIsBuilt(String name) {
        assertThat(HaloCommand.newCommandLine(name, "--help").getSubcommands()).containsOnlyKeys(name);
        assertThat(HaloCommand.newCommandLine("--help").getSubcommands()).hasSize(HaloCommand.SUBCOMMANDS.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"describe", "predict", "fit"})
    void belowAGroupOnlyTheNamedSubcommandIsBuilt(String name) {
        assertThat(HaloCommand.newCommandLine("model", name, "--help").getSubcommands().get("model").getSubcommands()).containsOnlyKeys(name);
        assertThat(HaloCommand.newCommandLine("model", "--help").getSubcommands().get("model").getSubcommands())
                .containsOnlyKeys("describe", "profile", "fit", "onboard", "predict");
        assertThat(HaloCommand.newCommandLine("help", "model").getSubcommands().get("model").getSubcommands()).hasSize(5);
    }

    private record Printed(int exit, String out, String err) {}

    private static Printed run(CommandLine cl, String[] args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Printed(exit, out.toString(), err.toString());
    }
}
