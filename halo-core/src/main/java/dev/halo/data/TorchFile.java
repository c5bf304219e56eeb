package dev.halo.data;

import dev.halo.BadInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;
import net.razorvine.pickle.objects.ClassDict;

/**
 * Reads files written by {@code torch.save} without PyTorch: the zip format of PyTorch 1.6 and later
 * (pickle in {@code <archive>/data.pkl}, storages in {@code <archive>/data/<key>}) and the older
 * "legacy" format (a sequence of pickles followed by the raw storages). Pickles are rebuilt with Pyrolite.
 *
 * <p>The result is made of plain Java values: {@code null}, {@link Boolean}, {@link Long} (or
 * {@link BigInteger}), {@link Double}, {@link String}, {@code byte[]}, unmodifiable {@link List} (Python
 * lists and tuples) and insertion-ordered unmodifiable {@link Map} (dicts, {@code OrderedDict}s), and
 * {@link Tensor}. Tensors of any storage type are converted to float32. Objects of other Python classes
 * become maps with their attributes and a {@code "__class__"} entry.
 *
 * <p>Anything unreadable (not a torch file, a truncated or corrupted pickle, a storage of the wrong size,
 * a tensor reaching past its storage) is a {@link BadInputException} naming the file and the problem.
 */
public final class TorchFile {
    /** Limit on a single pickle or storage (and on a legacy file), far above HELP's files (a few MiB). */
    static final long MAX_ENTRY_BYTES = 1L << 29;
    /** First pickle of a legacy file. */
    static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    static final long LEGACY_PROTOCOL = 1001;

    private TorchFile() {}

    /** The object that {@code torch.load(file)} would return, as plain Java values. */
    public static Object read(Path file) {
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": file not found");
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n == 0) throw new BadInputException(file + ": empty file (not a torch.save file)");
            boolean zip = n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
            if (zip) return readZip(file);
            if ((head[0] & 0xff) == 0x80) return readLegacy(file);
            throw new BadInputException(file + ": not a torch.save file (neither a zip archive nor a pickle)");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + message(e) + ")");
        }
    }

    private static Object readZip(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return new ZipReader(file, zip).read();
        } catch (ZipException e) {
            throw new BadInputException(file + ": corrupt zip archive (" + message(e) + ")");
        }
    }

    private static Object readLegacy(Path file) throws IOException {
        if (Files.size(file) > MAX_ENTRY_BYTES) throw new BadInputException(file + ": too large for a legacy torch file (" + Files.size(file) + " bytes)");
        return new LegacyReader(file, Files.readAllBytes(file)).read();
    }

    private static String message(Throwable e) {
        return Texts.shown(String.valueOf(e.getMessage()), 100);
    }

    /** What both formats share: the storages met so far, unpickling, and conversion to plain values. */
    private abstract static class Reader {
        final Path file;
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        final Map<String, Storage> storages = new HashMap<>();

        Reader(Path file) {
            this.file = file;
        }

        /** The storage a persistent id names; formats differ in when its bytes arrive. */
        abstract Storage storage(StorageType type, String key, long numel, Object viewMetadata);

        BadInputException bad(String what) {
            return new BadInputException(file + ": " + what);
        }

        Object unpickle(ByteArrayInputStream in, String where) {
            try {
                return new TorchUnpickler(this, in).load(in);
            } catch (BadInputException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw bad("corrupt pickle in " + where + " (" + describe(e) + ")");
            } catch (StackOverflowError e) {
                // a corrupted memo index can make a list or set contain itself; hashing it then never ends
                throw bad("corrupt pickle in " + where + " (an object that contains itself, or nesting too deep)");
            }
        }

        Object plain(Object raw, String where) {
            try {
                return plain(raw, new IdentityHashMap<>());
            } catch (StackOverflowError e) {
                throw bad("object nested too deeply in " + where);
            } catch (BadInputException e) {
                throw e;
            } catch (RuntimeException e) {
                // the object graph comes from an untrusted file: a shape no torch.save writes is bad input, never a crash
                throw bad("unsupported structure in " + where + " (" + describe(e) + ")");
            }
        }

        private Object plain(Object o, IdentityHashMap<Object, Object> done) {
            if (o == null || o instanceof String || o instanceof Boolean || o instanceof Double || o instanceof Long
                    || o instanceof BigInteger || o instanceof Tensor || o instanceof byte[]) return o;
            if (o instanceof Integer i) return i.longValue();
            if (o instanceof Number n) return n.doubleValue();
            Object known = done.get(o);
            if (known != null) return known;
            if (o instanceof PendingTensor t) {
                Tensor tensor = tensor(t);
                done.put(o, tensor);
                return tensor;
            }
            if (o instanceof Object[] tuple) return list(o, Arrays.asList(tuple), done);
            if (o instanceof List<?> l) return list(o, l, done);
            if (o instanceof ClassDict cd) {
                Map<Object, Object> map = new LinkedHashMap<>();
                Object view = Collections.unmodifiableMap(map);
                done.put(o, view);
                map.put("__class__", cd.getClassName());
                // read as a raw map: a corrupted SETITEMS can have put a key of another type into a ClassDict
                ((Map<?, ?>) cd).forEach((k, v) -> map.put(plain(k, done), plain(v, done)));
                return view;
            }
            if (o instanceof Map<?, ?> m) {
                Map<Object, Object> map = new LinkedHashMap<>();
                Object view = Collections.unmodifiableMap(map);
                done.put(o, view);
                for (Map.Entry<?, ?> e : m.entrySet()) map.put(plain(e.getKey(), done), plain(e.getValue(), done));
                return view;
            }
            if (o instanceof java.util.Set<?> s) return list(o, List.copyOf(s), done);
            if (o instanceof StorageType t) throw bad("unexpected bare storage type " + t + " in the pickle");
            if (o instanceof Storage s) throw bad("unexpected bare storage " + Texts.shown(s.key) + " in the pickle");
            if (o instanceof IObjectConstructor)
                throw bad("unexpected Python class or function object in the pickle (" + Texts.shown(String.valueOf(o), 80) + ")");
            throw bad("unsupported value of type " + o.getClass().getSimpleName() + " in the pickle");
        }

        private Object list(Object original, List<?> items, IdentityHashMap<Object, Object> done) {
            List<Object> list = new ArrayList<>(items.size());
            Object view = Collections.unmodifiableList(list);
            done.put(original, view);
            for (Object e : items) list.add(plain(e, done));
            return view;
        }

        /** Copies a strided view of its storage into a dense row-major tensor. */
        private Tensor tensor(PendingTensor t) {
            float[] src = t.storage().values;
            if (src == null) throw bad("storage " + Texts.shown(t.storage().key) + " has no data in the file");
            long numel = 1;
            int[] shape = new int[t.size().length];
            for (int d = 0; d < shape.length; d++) {
                if (t.size()[d] < 0 || t.stride()[d] < 0) throw bad("tensor with negative size or stride " + Arrays.toString(t.size()));
                numel *= t.size()[d];
                if (numel > MAX_ENTRY_BYTES / 4) throw bad("tensor too large: " + Arrays.toString(t.size()));
                shape[d] = (int) t.size()[d];
            }
            if (numel > 0) {
                long last = t.offset();
                for (int d = 0; d < shape.length; d++) last += (t.size()[d] - 1) * t.stride()[d];
                if (t.offset() < 0 || last >= src.length)
                    throw bad("tensor of shape " + Arrays.toString(shape) + " reaches past storage " + Texts.shown(t.storage().key) + " of " + src.length + " values");
            }
            float[] out = new float[(int) numel];
            if (numel > 0) {
                long[] idx = new long[shape.length];
                for (int i = 0; i < out.length; i++) {
                    long at = t.offset();
                    for (int d = 0; d < shape.length; d++) at += idx[d] * t.stride()[d];
                    out[i] = src[(int) at];
                    for (int d = shape.length - 1; d >= 0; d--) {
                        if (++idx[d] < shape[d]) break;
                        idx[d] = 0;
                    }
                }
            }
            return new Tensor(shape, out);
        }

        float[] decode(StorageType type, String key, long numel, byte[] raw, int from) {
            if (raw.length - from < numel * type.bytes)
                throw bad("storage " + Texts.shown(key) + " holds " + (raw.length - from) + " bytes, but " + numel + " " + type.name + " values need " + numel * type.bytes);
            return type.decode(ByteBuffer.wrap(raw, from, (int) (numel * type.bytes)).slice().order(order), (int) numel);
        }

        void checkSize(StorageType type, String key, long numel) {
            if (numel < 0 || numel * type.bytes > MAX_ENTRY_BYTES) throw bad("storage " + Texts.shown(key) + " has an impossible size " + numel);
        }
    }

    /** The zip format: each storage is an archive entry, read when the pickle first names it. */
    private static final class ZipReader extends Reader {
        private final ZipFile zip;
        private String prefix;

        ZipReader(Path file, ZipFile zip) {
            super(file);
            this.zip = zip;
        }

        Object read() throws IOException {
            ZipEntry pickle = null;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    if (pickle != null) throw bad("two data.pkl entries (" + Texts.shown(pickle.getName(), 80) + ", " + Texts.shown(name, 80) + ")");
                    pickle = entry;
                }
            }
            if (pickle == null) throw bad("zip archive without <archive>/data.pkl (not a torch.save file)");
            String where = Texts.shown(pickle.getName(), 80);
            prefix = pickle.getName().substring(0, pickle.getName().length() - "data.pkl".length());
            ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
            if (byteorder != null) {
                String text = new String(bytes(byteorder, 16), StandardCharsets.US_ASCII).strip();
                order = switch (text) {
                    case "little" -> ByteOrder.LITTLE_ENDIAN;
                    case "big" -> ByteOrder.BIG_ENDIAN;
                    default -> throw bad("unknown byte order '" + Texts.shown(text) + "' in " + Texts.shown(byteorder.getName(), 80));
                };
            }
            return plain(unpickle(new ByteArrayInputStream(bytes(pickle, MAX_ENTRY_BYTES)), where), where);
        }

        private byte[] bytes(ZipEntry entry, long limit) throws IOException {
            if (entry.getSize() > limit) throw bad("entry " + Texts.shown(entry.getName(), 80) + " is too large (" + entry.getSize() + " bytes)");
            try (InputStream in = zip.getInputStream(entry)) {
                byte[] data = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
                if (data.length > limit) throw bad("entry " + Texts.shown(entry.getName(), 80) + " is too large");
                return data;
            } catch (ZipException e) {
                throw bad("corrupt zip entry " + Texts.shown(entry.getName(), 80) + " (" + message(e) + ")");
            }
        }

        @Override
        Storage storage(StorageType type, String key, long numel, Object viewMetadata) {
            Storage known = storages.get(key);
            if (known != null) {
                if (known.type != type || known.numel != numel) throw bad("storage " + Texts.shown(key) + " is named with two different types or sizes");
                return known;
            }
            checkSize(type, key, numel);
            ZipEntry entry = zip.getEntry(prefix + "data/" + key);
            if (entry == null) throw bad("storage " + Texts.shown(key) + " is missing (no entry " + Texts.shown(prefix + "data/" + key, 80) + ")");
            byte[] raw;
            try {
                raw = bytes(entry, MAX_ENTRY_BYTES);
            } catch (IOException e) {
                throw bad("cannot read storage " + Texts.shown(key) + " (" + message(e) + ")");
            }
            if (raw.length != numel * type.bytes)
                throw bad("storage " + Texts.shown(key) + " holds " + raw.length + " bytes, but " + numel + " " + type.name + " values need " + numel * type.bytes);
            Storage s = new Storage(type, key, numel);
            s.values = decode(type, key, numel, raw, 0);
            storages.put(key, s);
            return s;
        }
    }

    /**
     * The legacy format: pickles of the magic number, the protocol version (1001), a system-info dict and
     * the object, then a pickled list of storage keys, then each storage as an int64 element count
     * followed by its raw bytes. Storages are filled after the object is unpickled.
     */
    private static final class LegacyReader extends Reader {
        private final byte[] bytes;

        LegacyReader(Path file, byte[] bytes) {
            super(file);
            this.bytes = bytes;
        }

        Object read() {
            ByteArrayInputStream in = new ByteArrayInputStream(bytes);
            Object magic = unpickle(in, "the header");
            if (!(magic instanceof Number m) || !new BigInteger(m.toString()).equals(LEGACY_MAGIC))
                throw bad("not a torch.save file (a pickle without torch's magic number)");
            Object protocol = unpickle(in, "the header");
            if (!(protocol instanceof Number p) || p.longValue() != LEGACY_PROTOCOL)
                throw bad("unsupported legacy torch protocol " + Texts.shown(String.valueOf(protocol)) + " (expected " + LEGACY_PROTOCOL + ")");
            if (!(unpickle(in, "the header") instanceof Map<?, ?> sysInfo)) throw bad("legacy header without the system-info dict");
            if (Boolean.FALSE.equals(sysInfo.get("little_endian"))) order = ByteOrder.BIG_ENDIAN;
            Object raw = unpickle(in, "the object pickle");
            if (!(unpickle(in, "the storage key list") instanceof List<?> keys)) throw bad("legacy file without its storage key list");
            int at = bytes.length - in.available();
            for (Object k : keys) {
                if (!(k instanceof String key) || !storages.containsKey(key))
                    throw bad("storage key list names " + Texts.shown(String.valueOf(k)) + ", which the object does not use");
                Storage s = storages.get(key);
                if (bytes.length - at < 8) throw bad("truncated before storage " + Texts.shown(key));
                long count = ByteBuffer.wrap(bytes, at, 8).order(order).getLong();
                if (count != s.numel) throw bad("storage " + Texts.shown(key) + " holds " + count + " values, but the object expects " + s.numel);
                at += 8;
                s.values = decode(s.type, key, count, bytes, at);
                at += (int) (count * s.type.bytes);
            }
            return plain(raw, "the object pickle");
        }

        @Override
        Storage storage(StorageType type, String key, long numel, Object viewMetadata) {
            if (viewMetadata != null) throw bad("storage views (files from PyTorch before 1.0) are not supported");
            Storage known = storages.get(key);
            if (known != null) {
                if (known.type != type || known.numel != numel) throw bad("storage " + Texts.shown(key) + " is named with two different types or sizes");
                return known;
            }
            checkSize(type, key, numel);
            Storage s = new Storage(type, key, numel);
            storages.put(key, s);
            return s;
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + Texts.shown(m, 200));
    }

    /** A torch storage class named in a pickle ({@code torch.FloatStorage} and friends). */
    record StorageType(String name, int bytes) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("torch." + name + " cannot be called in a checkpoint pickle");
        }

        float[] decode(ByteBuffer b, int n) {
            float[] out = new float[n];
            switch (name) {
                case "FloatStorage" -> b.asFloatBuffer().get(out);
                case "DoubleStorage" -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(); }
                case "HalfStorage" -> { for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(b.getShort()); }
                case "BFloat16Storage" -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16); }
                case "LongStorage" -> { for (int i = 0; i < n; i++) out[i] = b.getLong(); }
                case "IntStorage" -> { for (int i = 0; i < n; i++) out[i] = b.getInt(); }
                case "ShortStorage" -> { for (int i = 0; i < n; i++) out[i] = b.getShort(); }
                case "CharStorage" -> { for (int i = 0; i < n; i++) out[i] = b.get(); }
                case "ByteStorage", "BoolStorage" -> { for (int i = 0; i < n; i++) out[i] = b.get() & 0xff; }
                default -> throw new IllegalStateException(name);
            }
            return out;
        }

        @Override
        public String toString() {
            return "torch." + name;
        }
    }

    static final List<StorageType> STORAGE_TYPES = List.of(
            new StorageType("FloatStorage", 4), new StorageType("DoubleStorage", 8), new StorageType("HalfStorage", 2),
            new StorageType("BFloat16Storage", 2), new StorageType("LongStorage", 8), new StorageType("IntStorage", 4),
            new StorageType("ShortStorage", 2), new StorageType("CharStorage", 1), new StorageType("ByteStorage", 1),
            new StorageType("BoolStorage", 1));

    /** A storage named by the pickle; {@code values} arrive when its bytes are read (at once for zip, at the end for legacy). */
    static final class Storage {
        final StorageType type;
        final String key;
        final long numel;
        float[] values;

        Storage(StorageType type, String key, long numel) {
            this.type = type;
            this.key = key;
            this.numel = numel;
        }
    }

    /** A tensor named by the pickle, materialised once its storage has values. */
    record PendingTensor(Storage storage, long offset, long[] size, long[] stride) {}

    /** An {@code OrderedDict} under construction (the map Pyrolite fills with SETITEMS). */
    static final class OrderedDict extends LinkedHashMap<Object, Object> {}

    /**
     * Pyrolite's unpickler with torch's persistent ids and three fixes for untrusted files: dicts keep
     * their insertion order (Pyrolite's SETITEMS goes through a HashMap), BUILD on a dict is ignored
     * (an OrderedDict's state is only {@code _metadata}), and a length prefix longer than the rest of the
     * pickle is refused before anything is allocated.
     */
    private static final class TorchUnpickler extends Unpickler {
        static {
            for (StorageType t : STORAGE_TYPES) Unpickler.registerConstructor("torch", t.name(), t);
            Unpickler.registerConstructor("collections", "OrderedDict", args -> new OrderedDict());
            Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", TorchUnpickler::rebuildTensor);
            Unpickler.registerConstructor("torch._utils", "_rebuild_tensor", TorchUnpickler::rebuildTensor);
            Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", TorchUnpickler::rebuildParameter);
            Unpickler.registerConstructor("torch._utils", "_rebuild_parameter_with_state", TorchUnpickler::rebuildParameter);
        }

        private final Reader reader;
        private final ByteArrayInputStream bytes;

        TorchUnpickler(Reader reader, ByteArrayInputStream bytes) {
            this.reader = reader;
            this.bytes = bytes;
        }

        @Override
        protected Object dispatch(short key) throws PickleException, IOException {
            switch (key) {
                case Opcodes.EMPTY_DICT -> {
                    stack.add(new LinkedHashMap<>());
                    return NO_RETURN_VALUE;
                }
                case Opcodes.SETITEMS -> {
                    List<Object> items = stack.pop_all_since_marker();
                    if (items.size() % 2 != 0) throw new PickleException("SETITEMS with an odd number of items");
                    if (!(stack.peek() instanceof Map<?, ?>)) throw new PickleException("SETITEMS on a non-dict");
                    @SuppressWarnings("unchecked")
                    Map<Object, Object> target = (Map<Object, Object>) stack.peek();
                    for (int i = 0; i < items.size(); i += 2) target.put(hashableKey(items.get(i)), items.get(i + 1));
                    return NO_RETURN_VALUE;
                }
                case Opcodes.SETITEM -> {
                    Object value = stack.pop();
                    Object k = stack.pop();
                    if (!(stack.peek() instanceof Map<?, ?>)) throw new PickleException("SETITEM on a non-dict");
                    @SuppressWarnings("unchecked")
                    Map<Object, Object> target = (Map<Object, Object>) stack.peek();
                    target.put(hashableKey(k), value);
                    return NO_RETURN_VALUE;
                }
                case Opcodes.BUILD -> {
                    Object state = stack.pop();
                    Object target = stack.peek();
                    if (target instanceof ClassDict cd && state instanceof Map<?, ?> m) {
                        m.forEach((k, v) -> cd.put(String.valueOf(k), v));
                        return NO_RETURN_VALUE;
                    }
                    if (target instanceof Map<?, ?> || target instanceof PendingTensor) return NO_RETURN_VALUE;
                    throw new PickleException("BUILD on an unsupported object " + (target == null ? "None" : target.getClass().getSimpleName()));
                }
                case Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.BINUNICODE, Opcodes.LONG4 -> checkLength(4);
                case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.BYTEARRAY8 -> checkLength(8);
                default -> {}
            }
            return super.dispatch(key);
        }

        /**
         * A dict key as Python allows it: never a dict, list or set, which Python cannot hash, and which hashed here
         * would recurse forever once a corrupted memo has made one contain itself.
         */
        private static Object hashableKey(Object key) throws PickleException {
            if (key instanceof Map<?, ?> || key instanceof java.util.Collection<?>)
                throw new PickleException("a dict key of unhashable type " + key.getClass().getSimpleName());
            return key;
        }

        /** Refuses a length prefix (little-endian, {@code width} bytes) that runs past the end of the pickle. */
        private void checkLength(int width) throws PickleException {
            bytes.mark(width);
            long length = 0;
            for (int i = 0; i < width; i++) {
                int b = bytes.read();
                if (b < 0) throw new PickleException("truncated length prefix");
                length |= ((long) b) << (8 * i);
            }
            int left = bytes.available();
            bytes.reset();
            if (length < 0 || length > left) throw new PickleException("length " + length + " runs past the end of the pickle");
        }

        @Override
        protected Object persistentLoad(Object pid) {
            if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0]))
                throw new PickleException("unsupported persistent id " + describePid(pid));
            if (!(t[1] instanceof StorageType type)) throw new PickleException("unsupported storage type " + t[1]);
            if (!(t[2] instanceof String key)) throw new PickleException("storage key is not a string");
            if (!(t[4] instanceof Integer || t[4] instanceof Long)) throw new PickleException("storage size is not an integer");
            return reader.storage(type, key, ((Number) t[4]).longValue(), t.length > 5 ? t[5] : null);
        }

        private static String describePid(Object pid) {
            if (pid instanceof Object[] t) return "tuple of " + t.length + (t.length > 0 ? " starting with " + t[0] : "");
            return String.valueOf(pid);
        }

        /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks, ...)}. */
        private static Object rebuildTensor(Object[] args) {
            if (args.length < 4 || !(args[0] instanceof Storage storage))
                throw new PickleException("_rebuild_tensor with unexpected arguments");
            long[] size = integers(args[2], "size");
            long[] stride = integers(args[3], "stride");
            if (size.length != stride.length) throw new PickleException("size and stride differ in length");
            return new PendingTensor(storage, integer(args[1], "storage offset"), size, stride);
        }

        private static Object rebuildParameter(Object[] args) {
            if (args.length < 1 || !(args[0] instanceof PendingTensor t)) throw new PickleException("_rebuild_parameter without a tensor");
            return t;
        }

        private static long integer(Object o, String what) {
            if (o instanceof Integer || o instanceof Long) return ((Number) o).longValue();
            throw new PickleException(what + " is not an integer");
        }

        private static long[] integers(Object o, String what) {
            if (!(o instanceof Object[] t)) throw new PickleException(what + " is not a tuple");
            long[] out = new long[t.length];
            for (int i = 0; i < t.length; i++) out[i] = integer(t[i], what);
            return out;
        }
    }
}
