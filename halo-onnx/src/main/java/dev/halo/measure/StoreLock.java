package dev.halo.measure;

import dev.halo.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The writer's lock of a measurement store: an OS lock ({@code fcntl}) on the sidecar {@code STORE.lock}, which holds the
 * owner's pid for the message a second writer gets. The OS drops the lock when the process dies, even by SIGKILL, so a
 * killed run never blocks the next one; the sidecar file itself stays (deleting it would race with a new owner).
 */
final class StoreLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    static Path sidecar(Path store) {
        return store.toAbsolutePath().resolveSibling(store.getFileName() + ".lock");
    }

    /** Lock files this process holds: a second channel on one of them must never be opened and closed (that drops the lock). */
    private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static StoreLock acquire(Path store) {
        Path file = sidecar(store).normalize();
        if (HELD.contains(file))
            throw new BadInputException("store " + store + " is in use by another halo process (pid " + ProcessHandle.current().pid()
                    + ", this one); wait for it or use another --store");
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new BadInputException("store " + store + ": cannot open its lock file " + file + " (" + e.getMessage() + ")");
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this very process holds it (another open store object)
        } catch (IOException e) {
            close(ch);
            throw new BadInputException("store " + store + ": cannot lock " + file + " (" + e.getMessage() + ")");
        }
        if (lock == null) {
            String owner = owner(file);
            close(ch);
            throw new BadInputException("store " + store + " is in use by another halo process (pid " + owner
                    + "); wait for it or use another --store");
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(false);
        } catch (IOException e) {
            // the pid is only for the message; the lock is what counts
        }
        HELD.add(file);
        return new StoreLock(file, ch, lock);
    }

    private static String owner(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return s.matches("[0-9]{1,10}") ? s : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        close(channel);
        HELD.remove(file);
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
