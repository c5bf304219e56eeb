package dev.halo.app.model;

import dev.halo.BadInputException;
import dev.halo.kernel.GraphLatencyModel;
import dev.halo.kernel.KernelModelBinary;
import dev.halo.kernel.KernelModelFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Kernel model files read through a binary cache beside them ({@code .NAME.halo-cache}, {@link KernelModelBinary}):
 * parsing a 1.4 MB kernel model's JSON was the largest part of a cold {@code halo model predict}. The cache is keyed by
 * the JSON's length and two checksums of its bytes (CRC-32C and CRC-32: 64 bits), so an edited or replaced file is
 * parsed again and its cache rewritten; the JSON stays the file people keep, copy and read. (A SHA-256 of the file
 * took 0.2–0.5 s on a cold JVM, where its code runs interpreted; the CRCs are native, about 10 ms. The key only has to
 * tell versions of a file apart: whoever can write the JSON can write its cache too.) A cache that cannot be written (a read-only folder) is simply not kept,
 * and a damaged one is rebuilt: either way the model comes from the JSON, with the same numbers.
 */
public final class KernelModelCache {
    private KernelModelCache() {}

    /** The cache file of a kernel model file. */
    public static Path cacheOf(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".halo-cache");
    }

    /** Reads and checks a kernel model file ({@code --device}), from its cache when that was made from these bytes. */
    public static GraphLatencyModel load(Path file) {
        if (!Files.isRegularFile(file)) throw new BadInputException("--device " + file + ": no such file");
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        byte[] key = key(json);
        Path cache = cacheOf(file);
        GraphLatencyModel cached = readCache(cache, key);
        if (cached != null) return cached;
        GraphLatencyModel model = KernelModelFile.read(new ByteArrayInputStream(json), file.toString());
        writeCache(cache, KernelModelBinary.write(model, key));
        return model;
    }

    private static GraphLatencyModel readCache(Path cache, byte[] key) {
        if (!Files.isRegularFile(cache)) return null;
        try {
            return KernelModelBinary.read(Files.readAllBytes(cache), key, cache.toString());
        } catch (IOException | BadInputException e) {
            return null; // unreadable or damaged: the JSON is read instead and the cache written again
        }
    }

    private static void writeCache(Path cache, byte[] bytes) {
        Path tmp = null;
        try {
            // written whole under a temporary name, then renamed: a concurrent run never reads half a cache
            tmp = Files.createTempFile(cache.toAbsolutePath().getParent(), cache.getFileName().toString(), ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // no cache in this folder: every run parses the JSON, as before the cache existed
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more to tidy
                }
            }
        }
    }

    static byte[] key(byte[] json) {
        CRC32C c = new CRC32C();
        c.update(json);
        CRC32 d = new CRC32();
        d.update(json);
        return ByteBuffer.allocate(16).putInt(json.length).putInt((int) c.getValue()).putLong(d.getValue()).array();
    }
}
