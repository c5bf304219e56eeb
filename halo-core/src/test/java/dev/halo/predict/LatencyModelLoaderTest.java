package dev.halo.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.space.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyModelLoaderTest {
    /** Registered in test resources: reads files whose first line is {@code constant-ms <space> <value>}. */
    public static final class ConstantLoader implements LatencyModelLoader {
        @Override
        public String format() {
            return "constant-test";
        }

        @Override
        public boolean accepts(Path file) {
            try {
                return Files.readString(file).startsWith("constant-ms ");
            } catch (java.io.IOException e) {
                return false;
            }
        }

        @Override
        public LatencyPredictor load(Path file) {
            try {
                String[] f = Files.readString(file).trim().split(" ");
                double ms = Double.parseDouble(f[2]);
                return new LatencyPredictor() {
                    @Override
                    public String space() {
                        return f[1];
                    }

                    @Override
                    public double[] predictMs(List<? extends Architecture> archs) {
                        double[] out = new double[archs.size()];
                        java.util.Arrays.fill(out, ms);
                        return out;
                    }
                };
            } catch (java.io.IOException e) {
                throw new BadInputException(file + ": " + e.getMessage());
            }
        }
    }

    @Test
    void findsTheInstalledLoaderThatAcceptsTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.txt");
        Files.writeString(f, "constant-ms toy 4.5\n");
        LatencyPredictor p = LatencyModelLoader.loadAny(f);
        assertThat(p.space()).isEqualTo("toy");
        assertThat(p.predictMs(List.of())).isEmpty();
    }

    @Test
    void anUnknownFileIsBadInputNamingTheKnownFormats(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("weights.bin");
        Files.writeString(f, "garbage");
        assertThatThrownBy(() -> LatencyModelLoader.loadAny(f)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(f + ": not a latency model file this halo can read (known formats: ")
                .hasMessageContaining("constant-test").hasMessageContaining("halo-help-adapted");
        assertThatThrownBy(() -> LatencyModelLoader.loadAny(dir.resolve("missing.bin"))).isInstanceOf(BadInputException.class)
                .hasMessageEndingWith("latency model file not found");
    }
}
