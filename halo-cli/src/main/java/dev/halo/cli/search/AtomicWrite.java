package dev.halo.cli.search;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/** Writes a file through a temporary sibling that is moved into place, so that a failure never leaves half a file. */
final class AtomicWrite {
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicWrite() {}

    static void write(Path file, Body body) throws IOException {
        dev.halo.io.SafeOutput.write(file, "--out", body::writeTo);
    }
}
