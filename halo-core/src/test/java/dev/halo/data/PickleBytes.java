package dev.halo.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes protocol-2 pickle opcodes by hand, and torch.save-style zip archives around them, for tests. */
final class PickleBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBytes() {
        out.write(0x80);
        out.write(2);
    }

    PickleBytes op(char opcode) {
        out.write(opcode);
        return this;
    }

    PickleBytes op(int opcode) {
        out.write(opcode);
        return this;
    }

    PickleBytes mark() {
        return op('(');
    }

    PickleBytes global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    PickleBytes string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        out.writeBytes(b);
        return this;
    }

    PickleBytes integer(int v) {
        op('J');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        return this;
    }

    PickleBytes floating(double v) {
        op('G');
        out.writeBytes(ByteBuffer.allocate(8).putDouble(v).array());
        return this;
    }

    PickleBytes tuple(int... values) {
        mark();
        for (int v : values) integer(v);
        return op('t');
    }

    PickleBytes bytes(int... raw) {
        for (int b : raw) out.write(b);
        return this;
    }

    /** Pushes {@code _rebuild_tensor_v2(storage key, offset, size, stride, False, OrderedDict())} (zip-format persistent id). */
    PickleBytes tensor(String key, int numel, int offset, int[] size, int[] stride) {
        return tensor(key, numel, offset, size, stride, false);
    }

    /** As {@link #tensor(String, int, int, int[], int[])}; {@code legacy} adds the sixth (view) field of the old format's id. */
    PickleBytes tensor(String key, int numel, int offset, int[] size, int[] stride, boolean legacy) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        mark().string("storage").global("torch", "FloatStorage").string(key).string("cpu").integer(numel);
        if (legacy) op('N');
        op('t').op('Q');
        integer(offset).tuple(size).tuple(stride).op(0x89).global("collections", "OrderedDict").op(')').op('R');
        return op('t').op('R');
    }

    byte[] stop() {
        op('.');
        return out.toByteArray();
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    /**
     * A file in torch's legacy format: header pickles, the object pickle, the key list, then each storage
     * (int64 element count, float32 values).
     */
    static Path legacyFile(Path file, byte[] objectPickle, Map<String, float[]> storages) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        // 0x1950a86a20f9469cfc6c as LONG1 (10 little-endian bytes).
        f.writeBytes(new PickleBytes().op(0x8a).bytes(10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).stop());
        f.writeBytes(new PickleBytes().integer(1001).stop());
        f.writeBytes(new PickleBytes().op('}').mark().string("protocol_version").integer(1001).string("little_endian").op(0x88).op('u').stop());
        f.writeBytes(objectPickle);
        PickleBytes keys = new PickleBytes().op(']').mark();
        storages.keySet().forEach(keys::string);
        f.writeBytes(keys.op('e').stop());
        for (float[] v : storages.values()) {
            f.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v.length).array());
            f.writeBytes(floats(v));
        }
        return Files.write(file, f.toByteArray());
    }

    /** A zip archive with {@code archive/data.pkl} and the given {@code archive/...} entries. */
    static Path torchZip(Path file, byte[] pickle, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(pickle);
            zip.closeEntry();
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry("archive/" + e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }
}
