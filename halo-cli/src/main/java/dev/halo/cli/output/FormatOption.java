package dev.halo.cli.output;

import picocli.CommandLine.Option;

/** Mixin for {@code --format table|csv|json}. */
public final class FormatOption {
    @Option(names = "--format", defaultValue = "table", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    public Format format = Format.table;
}
