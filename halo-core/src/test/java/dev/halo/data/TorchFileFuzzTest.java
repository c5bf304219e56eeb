package dev.halo.data;

import dev.halo.BadInputException;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.assertj.core.api.Assertions;

/** Whatever the bytes, reading a torch file either succeeds or throws {@link BadInputException}: never anything else. */
class TorchFileFuzzTest {

    @Property(tries = 100)
    void randomBytes(@ForAll @Size(max = 600) byte[] bytes) throws IOException {
        Path f = Files.createTempFile("fuzz", ".pt");
        try {
            Files.write(f, bytes);
            readOrRefuse(f);
        } finally {
            Files.delete(f);
        }
    }

    /** Random bytes behind a real zip header, as data.pkl of a well-formed archive: exercises the unpickler. */
    @Property(tries = 200)
    void randomPickles(@ForAll("pickles") byte[] pickle) throws IOException {
        Path f = Files.createTempFile("fuzz", ".pt");
        try {
            PickleBytes.torchZip(f, pickle, Map.of("data/0", PickleBytes.floats(1, 2, 3, 4)));
            readOrRefuse(f);
        } finally {
            Files.delete(f);
        }
    }

    /** A real checkpoint with a few bytes overwritten. */
    @Property(tries = 50)
    void corruptedCheckpoint(@ForAll("positions") int[] positions, @ForAll byte value) throws IOException {
        byte[] bytes = Files.readAllBytes(SharedData.path("help/fbnet/checkpoint/help_max_corr.pt"));
        for (int p : positions) bytes[p % bytes.length] = value;
        Path f = Files.createTempFile("fuzz", ".pt");
        try {
            Files.write(f, bytes);
            readOrRefuse(f);
        } finally {
            Files.delete(f);
        }
    }

    /** A small legacy-format file with a few bytes overwritten or cut off. */
    @Property(tries = 100)
    void corruptedLegacyFile(@ForAll("positions") int[] positions, @ForAll byte value, @ForAll boolean cut) throws IOException {
        Path f = Files.createTempFile("fuzz", ".pt");
        try {
            byte[] pkl = new PickleBytes().op('}').mark().string("w").tensor("a", 4, 0, new int[] {2, 2}, new int[] {2, 1}, true).op('u').stop();
            byte[] bytes = Files.readAllBytes(PickleBytes.legacyFile(f, pkl, Map.of("a", new float[] {1, 2, 3, 4})));
            for (int p : positions) bytes[p % bytes.length] = value;
            if (cut) bytes = java.util.Arrays.copyOf(bytes, positions[0] % bytes.length + 1);
            Files.write(f, bytes);
            readOrRefuse(f);
        } finally {
            Files.delete(f);
        }
    }

    @Provide
    Arbitrary<byte[]> pickles() {
        // Mostly valid opcodes in random order, so that the unpickler gets beyond the first byte.
        Arbitrary<Byte> opcodes = Arbitraries.of("(.)]}tRsuaeQbhqXJKMGc\u0080\u0085\u0086\u0088\u0089\u008a".chars().mapToObj(c -> (byte) c).toList());
        return Arbitraries.oneOf(opcodes, Arbitraries.bytes()).array(byte[].class).ofMaxSize(80)
                .map(b -> {
                    byte[] out = new byte[b.length + 2];
                    out[0] = (byte) 0x80;
                    out[1] = 2;
                    System.arraycopy(b, 0, out, 2, b.length);
                    return out;
                });
    }

    @Provide
    Arbitrary<int[]> positions() {
        // The pickle sits near the start of the archive: aim half of the hits there.
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 5000), Arbitraries.integers().between(0, Integer.MAX_VALUE))
                .array(int[].class).ofMinSize(1).ofMaxSize(4);
    }

    private static void readOrRefuse(Path f) {
        try {
            TorchFile.read(f);
        } catch (BadInputException expected) {
            Assertions.assertThat(expected.getMessage()).contains(f.toString()).doesNotContain("\n");
        }
    }
}
