package dev.halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * picocli runs every usage text through {@link String#format}: a bare "90 %" in a description is a broken format,
 * printed raw after a "[picocli WARN]" line on top of the help. Every command's help must render without one.
 */
class UsageTextTest {
    @Test
    void everyCommandsHelpRendersWithoutAPicocliWarning() {
        List<String> warned = new ArrayList<>();
        collect(HaloCommand.newCommandLine(), warned);
        assertThat(warned).as("commands whose help picocli could not format (write %% for a percent sign)").isEmpty();
    }

    @Test
    void aBarePercentSignIsCaught() {
        @Command(name = "broken", description = "within ±10 %, median error") class Broken {}
        List<String> warned = new ArrayList<>();
        collect(new CommandLine(new Broken()), warned);
        assertThat(warned).hasSize(1);
    }

    /**
     * A parent's command list shows only the first line of each subcommand's description; cut mid-sentence it reads
     * "defaults sized for a small" and teaches nothing, so that line must be a whole sentence.
     */
    @Test
    void everySubcommandsSummaryLineIsAWholeSentence() {
        List<String> clipped = new ArrayList<>();
        collectSummaries(HaloCommand.newCommandLine(), clipped);
        assertThat(clipped).as("first description lines that do not end a sentence").isEmpty();
    }

    @Test
    void aClippedSummaryIsCaught() {
        @Command(name = "clipped", description = {"Onboard this machine with defaults sized for a small", "VM."})
        class Clipped {}
        @Command(name = "parent") class Parent {}
        CommandLine parent = new CommandLine(new Parent()).addSubcommand(new CommandLine(new Clipped()));
        List<String> clipped = new ArrayList<>();
        collectSummaries(parent, clipped);
        assertThat(clipped).hasSize(1);
    }

    private static void collectSummaries(CommandLine cl, List<String> clipped) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().usageMessage().hidden()) continue;
            String[] lines = sub.getCommandSpec().usageMessage().description();
            String first = lines.length == 0 ? "" : lines[0].strip();
            if (!(first.endsWith(".") || first.endsWith(".)"))) clipped.add(sub.getCommandSpec().qualifiedName() + ": " + first);
            collectSummaries(sub, clipped);
        }
    }

    private static void collect(CommandLine cl, List<String> warned) {
        String warning = stderrOf(cl::getUsageMessage);
        if (warning.contains("picocli WARN")) warned.add(cl.getCommandSpec().qualifiedName() + ": " + warning.strip());
        for (CommandLine sub : cl.getSubcommands().values()) collect(sub, warned);
    }

    /** picocli's tracer writes its warnings to System.err. */
    private static String stderrOf(Runnable r) {
        PrintStream saved = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(saved);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
