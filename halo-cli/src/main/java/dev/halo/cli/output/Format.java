package dev.halo.cli.output;

/** How a command prints its result: a human table (default), CSV or JSON. */
public enum Format {
    table,
    csv,
    json
}
