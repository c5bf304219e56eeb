package dev.halo.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary files and folders that halo names {@code .<name>.<kind>-<pid>-<random>} beside what it publishes, and the
 * removal of those a killed run left behind: an entry is stale when the process whose id it carries is no longer alive.
 */
public final class Leftovers {
    private Leftovers() {}

    /** The name of a fresh temporary sibling of {@code target}: {@code .<target name>.<kind>-<this pid>-<random hex>}. */
    public static Path sibling(Path target, String kind) {
        long pid = ProcessHandle.current().pid();
        String random = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        return target.resolveSibling(prefix(target.getFileName().toString(), kind) + pid + "-" + random);
    }

    static String prefix(String name, String kind) {
        return "." + name + "." + kind + "-";
    }

    /**
     * Deletes the entries {@code .<name>.<kind>-<pid>-*} in {@code dir} whose process is dead (recursively for folders).
     * Best effort: returns how many were removed, never throws.
     */
    public static int clean(Path dir, String name, String kind) {
        return cleanPrefixed(dir, prefix(name, kind));
    }

    /** Deletes the entries {@code <prefix><pid>-*} in {@code dir} whose process is dead; how many were removed. */
    public static int cleanPrefixed(Path dir, String prefix) {
        int removed = 0;
        for (Path p : stalePrefixed(dir, prefix)) if (deleteRecursively(p)) removed++;
        return removed;
    }

    /** The entries {@code .<name>.<kind>-<pid>-*} in {@code dir} whose process is dead. */
    public static java.util.List<Path> stale(Path dir, String name, String kind) {
        return stalePrefixed(dir, prefix(name, kind));
    }

    private static java.util.List<Path> stalePrefixed(Path dir, String prefix) {
        java.util.List<Path> out = new java.util.ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : entries) {
                String rest = p.getFileName().toString().substring(prefix.length());
                int dash = rest.indexOf('-');
                if (dash <= 0) continue;
                long pid;
                try {
                    pid = Long.parseLong(rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
                out.add(p);
            }
        } catch (IOException | RuntimeException e) {
            // a folder we cannot list has nothing of ours to clean
        }
        return out;
    }

    /** Deletes a file or a folder tree; true when it is gone. Never follows symbolic links. */
    public static boolean deleteRecursively(Path p) {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return true;
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.deleteIfExists(x);
                } catch (IOException ignored) {
                    // reported by the final check
                }
            });
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return !Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }
}
