package dev.halo.io;

import dev.halo.BadInputException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one way halo writes an output file ({@code --out} and friends), whatever stands at the path:
 * <ul>
 *   <li>a regular file or nothing: the content goes to a temporary sibling {@code .<name>.halo-tmp-<pid>-<random>} that
 *       is moved over the target in one atomic rename, so a reader or a killed run never sees half a file. A new file
 *       gets the permissions a plain create gives under the umask; a replaced file keeps its own;</li>
 *   <li>a symbolic link: it is followed, and the file it points to is written as above (the link stays a link);</li>
 *   <li>a FIFO, character device or other special file ({@code /dev/null}, a named pipe, a terminal): the content is
 *       streamed into it, never replaced by a regular file;</li>
 *   <li>a process's open file ({@code /dev/stdout}, {@code /dev/stderr}, {@code /dev/fd/N}, {@code /proc/self/fd/N}):
 *       streamed into, appending, whatever it is, so {@code --out /dev/stdout >> log} adds to the log like the
 *       process's own standard output would, instead of a rename replacing the log;</li>
 *   <li>a directory or an empty path: a {@link BadInputException} that names the option.</li>
 * </ul>
 * Temporary siblings left by a killed run (their process is dead) are removed by the next write to the same path.
 */
public final class SafeOutput {
    /** The kind tag of temporary files: {@code .<name>.halo-tmp-<pid>-<random>}. */
    public static final String TMP_KIND = "halo-tmp";

    /** Writes the content of an output. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private SafeOutput() {}

    /** What stands at an output path, after following symbolic links. */
    public record Target(Path path, boolean special) {}

    /** Whether {@code p}, or a link on the way to what it names, is a process's file descriptor ({@code /proc/.../fd/N}). */
    private static boolean processFd(Path p) {
        for (int hops = 0; hops < 40; hops++) {
            String s = p.toString();
            if (s.startsWith("/dev/fd/") || (s.startsWith("/proc/") && s.contains("/fd/"))) return true;
            if (!Files.isSymbolicLink(p)) return false;
            try {
                p = p.getParent().resolve(Files.readSymbolicLink(p)).normalize();
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * Checks an output path before any work is done: empty, a directory, or a folder that cannot be created is a
     * {@link BadInputException} naming {@code option}. Returns where the content will go.
     */
    public static Target check(Path file, String option) {
        if (file == null || file.toString().isBlank()) throw new BadInputException(option + ": empty path");
        Path p = file.toAbsolutePath().normalize();
        if (processFd(p)) {
            if (Files.isDirectory(p)) throw new BadInputException(option + " " + file + ": is a directory; give a file name");
            return new Target(p, true);
        }
        BasicFileAttributes attrs = attributes(p);
        if (attrs != null) {
            if (attrs.isDirectory()) throw new BadInputException(option + " " + file + ": is a directory; give a file name");
            if (!attrs.isRegularFile()) return new Target(p, true); // FIFO, device, ...: open(2) follows the links itself
            try {
                p = p.toRealPath();
            } catch (IOException e) {
                throw new BadInputException(option + " " + file + ": cannot resolve (" + e.getMessage() + ")");
            }
        } else {
            p = danglingTarget(p, file, option);
        }
        Path dir = p.getParent();
        if (dir == null) throw new BadInputException(option + " " + file + ": no folder to write into");
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new BadInputException(option + " " + file + ": " + dir + " is not a folder");
        return new Target(p, false);
    }

    /** Writes {@code body} to {@code file} as described in the class comment; {@code option} names it in errors. */
    public static void write(Path file, String option, Body body) {
        Target t = check(file, option);
        try {
            if (t.special()) {
                // APPEND: harmless for pipes and devices, and what a regular file behind /dev/stdout needs
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(t.path(), StandardOpenOption.WRITE, StandardOpenOption.APPEND), 1 << 16)) {
                    body.writeTo(out);
                }
                return;
            }
            Path target = t.path();
            Path dir = target.getParent();
            Files.createDirectories(dir);
            Leftovers.clean(dir, target.getFileName().toString(), TMP_KIND);
            Path tmp = Leftovers.sibling(target, TMP_KIND);
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    if (Files.isRegularFile(target)) keepPermissions(target, tmp);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                    body.writeTo(out);
                    out.flush();
                    ch.force(true);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (AccessDeniedException e) {
            throw new BadInputException(option + " " + file + ": permission denied (" + e.getFile() + ")");
        } catch (NoSuchFileException e) {
            throw new BadInputException(option + " " + file + ": no such file or folder (" + e.getFile() + ")");
        } catch (FileSystemException e) {
            throw new BadInputException(option + " " + file + ": cannot write (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes text (UTF-8). */
    public static void writeString(Path file, String option, CharSequence text) {
        write(file, option, out -> out.write(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class); // follows links
        } catch (IOException e) {
            return null;
        }
    }

    /** A path that does not exist, or a link to nothing: the file the link chain names, to be created. */
    private static Path danglingTarget(Path p, Path file, String option) {
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops > 40) throw new BadInputException(option + " " + file + ": too many levels of symbolic links");
            try {
                Path link = Files.readSymbolicLink(p);
                p = p.getParent().resolve(link).normalize();
            } catch (IOException e) {
                throw new BadInputException(option + " " + file + ": cannot read the link (" + e.getMessage() + ")");
            }
        }
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(p))
            throw new BadInputException(option + " " + file + ": is a directory; give a file name");
        return p;
    }

    private static void keepPermissions(Path from, Path to) {
        try {
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        } catch (IOException | UnsupportedOperationException e) {
            // not POSIX, or not ours to change: the umask's permissions stay
        }
    }
}
