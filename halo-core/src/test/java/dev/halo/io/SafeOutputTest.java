package dev.halo.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.halo.BadInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs never replace what stands at the path: links are followed, FIFOs streamed into, folders refused. */
class SafeOutputTest {
    @TempDir Path dir;

    @Test
    void newFileGetsWhatAPlainCreateGetsUnderTheUmask() throws IOException {
        Path plain = dir.resolve("plain");
        try (OutputStream o = Files.newOutputStream(plain)) {
            o.write(1);
        }
        Path out = dir.resolve("out.csv");
        SafeOutput.writeString(out, "--out", "a,b\n");
        assertThat(Files.readString(out)).isEqualTo("a,b\n");
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(plain));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isNotEqualTo("rw-------");
        assertThat(names()).containsExactlyInAnyOrder("plain", "out.csv");
    }

    @Test
    void replacedFileKeepsItsPermissions() throws IOException {
        Path out = dir.resolve("out.csv");
        Files.writeString(out, "old");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw----r--"));
        SafeOutput.writeString(out, "--out", "new");
        assertThat(Files.readString(out)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw----r--");
    }

    @Test
    void symlinkIsFollowedAndStaysALink() throws IOException {
        Path other = Files.createDirectories(dir.resolve("other"));
        Path target = other.resolve("target.csv");
        Files.writeString(target, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), Path.of("other/target.csv"));
        SafeOutput.writeString(link, "--out", "new");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("other/target.csv"));
        assertThat(Files.readString(target)).isEqualTo("new");
        try (Stream<Path> s = Files.list(other)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("target.csv"); // temp went beside the target
        }
    }

    @Test
    void danglingSymlinkCreatesItsTarget() throws IOException {
        Files.createDirectories(dir.resolve("other"));
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), Path.of("other/new.csv"));
        SafeOutput.writeString(link, "--out", "x");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(dir.resolve("other/new.csv"))).isEqualTo("x");
    }

    @Test
    void fifoIsStreamedIntoNotReplaced() throws Exception {
        Path fifo = dir.resolve("pipe");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeThat(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0).as("mkfifo available").isTrue();
        CompletableFuture<String> reader = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                reader.complete(Files.readString(fifo, StandardCharsets.UTF_8)); // opening blocks until the writer opens
            } catch (IOException e) {
                reader.completeExceptionally(e);
            }
        }, "fifo-reader");
        t.setDaemon(true);
        t.start();
        SafeOutput.writeString(fifo, "--out", "arch,ms\nx,1\n");
        assertThat(reader.get(20, TimeUnit.SECONDS)).isEqualTo("arch,ms\nx,1\n");
        BasicFileAttributes a = Files.readAttributes(fifo, BasicFileAttributes.class);
        assertThat(a.isOther()).as("still a FIFO").isTrue();
        assertThat(names()).containsExactly("pipe");
    }

    @Test
    void aRegularFileBehindAProcessFdIsAppendedToNotReplaced() throws IOException {
        // what `halo ... --out /dev/stdout >> log` meets: /dev/stdout -> /proc/self/fd/1 -> the log, a regular file
        Path log = dir.resolve("log.txt");
        Files.writeString(log, "earlier lines\n");
        Object inode = Files.getAttribute(log, "unix:ino");
        try (java.io.FileOutputStream held = new java.io.FileOutputStream(log.toFile(), true)) {
            Path fd = null;
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                for (Path f : fds.toList())
                    try {
                        if (Files.readSymbolicLink(f).equals(log)) fd = f;
                    } catch (IOException e) {
                        // an fd closed while listing
                    }
            }
            assumeThat(fd).as("a /proc/self/fd entry for the open log").isNotNull();
            assertThat(SafeOutput.check(fd, "--out").special()).isTrue();
            SafeOutput.writeString(fd, "--out", "arch,ms\n");
            held.write("own stdout line\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(Files.readString(log)).isEqualTo("earlier lines\narch,ms\nown stdout line\n");
        assertThat(Files.getAttribute(log, "unix:ino")).as("same file, not a renamed replacement").isEqualTo(inode);
        assertThat(names()).containsExactly("log.txt");
    }

    @Test
    void devNullIsSeenAsSpecialWithoutWritingToIt() {
        // Only its type is read: /dev/stdout and /dev/null are streamed into like the FIFO above, never renamed over.
        assumeThat(Files.exists(Path.of("/dev/null"))).isTrue();
        assertThat(SafeOutput.check(Path.of("/dev/null"), "--out").special()).isTrue();
    }

    @Test
    void directoryAndEmptyPathAreBadInputNamingTheOption() throws IOException {
        Files.writeString(dir.resolve("file"), "a regular file");
        assertThatThrownBy(() -> SafeOutput.writeString(dir, "--out", "x")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("--out").hasMessageContaining("is a directory");
        assertThatThrownBy(() -> SafeOutput.writeString(Path.of(""), "--out", "x")).isInstanceOf(BadInputException.class)
                .hasMessage("--out: empty path");
        assertThatThrownBy(() -> SafeOutput.check(dir.resolve("file/child.csv"), "--plot")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("--plot").hasMessageContaining("is not a folder");
    }

    @Test
    void failedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path out = dir.resolve("out.csv");
        Files.writeString(out, "old");
        assertThatThrownBy(() -> SafeOutput.write(out, "--out", o -> {
            o.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        })).isInstanceOf(java.io.UncheckedIOException.class);
        assertThat(Files.readString(out)).isEqualTo("old");
        assertThat(names()).containsExactly("out.csv");
    }

    @Test
    void staleTemporariesOfDeadProcessesAreRemovedLiveOnesKept() throws IOException {
        long dead = deadPid();
        long live = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
        Files.writeString(dir.resolve(".out.csv.halo-tmp-" + dead + "-abc"), "135 MB of a killed run");
        Files.writeString(dir.resolve(".out.csv.halo-tmp-" + live + "-abc"), "a run in progress");
        Files.createDirectories(dir.resolve(".ds.importing-" + dead + "-abc/sub"));
        SafeOutput.writeString(dir.resolve("out.csv"), "--out", "x");
        assertThat(Leftovers.clean(dir, "ds", "importing")).isEqualTo(1);
        assertThat(names()).containsExactlyInAnyOrder("out.csv", ".out.csv.halo-tmp-" + live + "-abc");
    }

    static long deadPid() {
        for (long pid = 4_000_000; ; pid--) if (ProcessHandle.of(pid).isEmpty()) return pid;
    }

    private java.util.List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
