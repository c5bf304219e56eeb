package dev.halo.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.data.JsonFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimitsTest {
    @TempDir Path dir;

    @Test
    void gzipModelThatInflatesPastTheLimitIsRefusedNotRead() throws IOException {
        Path bomb = dir.resolve("bomb.json.gz");
        byte[] mib = new byte[1 << 20];
        java.util.Arrays.fill(mib, (byte) ' ');
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(bomb))) {
            o.write("{\"format\":\"halo-op-costs\",\"device\":\"x\",".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < (Limits.MAX_MODEL_BYTES >> 20) + 4; i++) o.write(mib);
            o.write("}".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(Files.size(bomb)).isLessThan(1 << 20); // small on disk
        assertThatThrownBy(() -> JsonFiles.read(bomb)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("bomb.json.gz").hasMessageContaining("limit of 64.0 MiB");
    }

    @Test
    void fileSizeIsCheckedBeforeReading() throws IOException {
        Path big = dir.resolve("archs.csv");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(Limits.MAX_ARCHS_FILE_BYTES + 1); // sparse: no disk used
        }
        assertThatThrownBy(() -> Limits.checkFileSize("--archs", big, Limits.MAX_ARCHS_FILE_BYTES)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("--archs").hasMessageContaining("limit of 64.0 MiB");
        Limits.checkFileSize("--archs", dir.resolve("missing"), 1); // left to the reader
    }

    @Test
    void boundsNameTheOptionAndTheLimit() {
        assertThatThrownBy(() -> Limits.check("--mc", 10_000, 0, Limits.MAX_MC)).hasMessage("--mc 10000 exceeds the limit of 1000 (halo's Limits)");
        assertThatThrownBy(() -> Limits.check("--seeds", 0, 1, 5)).hasMessage("--seeds must be at least 1, got 0");
        assertThatThrownBy(() -> Limits.check("--level", Double.NaN, 0, 1)).hasMessageContaining("--level");
        assertThat(Limits.check("--rounds", 3, 1, Limits.MAX_ROUNDS)).isEqualTo(3);
    }
}
