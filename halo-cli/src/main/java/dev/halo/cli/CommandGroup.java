package dev.halo.cli;

import java.util.List;

/**
 * A command whose subcommands are listed here rather than in its {@code @Command(subcommands = ...)}, so that
 * {@link HaloCommand#newCommandLine(String...)} can build only the one a command line names (picocli builds every
 * command it is given by reflection, and that was most of a short command's time on a cold JVM).
 */
public interface CommandGroup {
    /** The subcommands, in the order the group's usage lists them. */
    List<Class<?>> subcommands();
}
