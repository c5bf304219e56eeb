package dev.halo.kernel.ort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The channel block of ONNX Runtime's NCHWc kernels on this machine, which decides the padded shapes and reorders of
 * its optimised graph: MLAS uses 16 channels with AVX-512F, 8 with AVX2, and no blocked layout on other x86-64 CPUs.
 * Read from the CPU flags Linux lists in {@code /proc/cpuinfo}; elsewhere (another OS or architecture) it is unknown.
 */
public final class NchwcBlock {
    private NchwcBlock() {}

    /** The block (16, 8, or 0 for no blocked layout), or why it cannot be told on this machine. */
    public record Detected(int block, String unknownBecause) {
        public boolean known() {
            return unknownBecause == null;
        }
    }

    public static Detected ofThisMachine() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!arch.equals("amd64") && !arch.equals("x86_64"))
            return new Detected(0, "ONNX Runtime's kernels on " + arch + " CPUs are not emulated (x86-64 only)");
        try {
            return new Detected(ofFlags(flags(Files.readAllLines(Path.of("/proc/cpuinfo")))), null);
        } catch (IOException e) {
            return new Detected(0, "cannot read /proc/cpuinfo for the CPU's vector extensions (" + e.getMessage() + ")");
        }
    }

    /** The block MLAS picks for a CPU with these feature flags. */
    static int ofFlags(List<String> flags) {
        if (flags.contains("avx512f")) return 16;
        if (flags.contains("avx2")) return 8;
        return 0;
    }

    private static List<String> flags(List<String> cpuinfo) {
        for (String line : cpuinfo)
            if (line.startsWith("flags")) return List.of(line.substring(line.indexOf(':') + 1).strip().split("\\s+"));
        return List.of();
    }
}
