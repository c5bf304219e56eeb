package dev.halo.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the halo command line (built as {@code main} builds it): its exit code and what it printed to stdout and stderr. */
public record CliRun(int exit, String out, String err) {
    public static CliRun of(String... args) {
        var cl = HaloCommand.newCommandLine(args);
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
