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

    /** Pushes {@code _rebuild_tensor_v2(storage key, offset, size, stride, False, OrderedDict())}. */
    PickleBytes tensor(String key, int numel, int offset, int[] size, int[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        mark().string("storage").global("torch", "FloatStorage").string(key).string("cpu").integer(numel).op('t').op('Q');
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
