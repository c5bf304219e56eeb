package dev.halo.cli.search;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Writes a file through a temporary sibling that is moved into place, so that a failure never leaves half a file. */
final class AtomicWrite {
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicWrite() {}

    static void write(Path file, Body body) throws IOException {
        Path target = file.toAbsolutePath();
        // Not Files.createTempFile: that makes the file owner-only (0600); outputs should get the usual permissions.
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
