package dev.halo.data;

import dev.halo.BadInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Reads files written by {@code torch.save} (the zip format of PyTorch 1.6 and later) without PyTorch:
 * the pickled object in {@code <archive>/data.pkl} is rebuilt with Pyrolite, and tensors are read from
 * their storages in {@code <archive>/data/<key>}.
 *
 * <p>The result is made of plain Java values: {@code null}, {@link Boolean}, {@link Long} (or
 * {@link java.math.BigInteger}), {@link Double}, {@link String}, {@code byte[]}, unmodifiable
 * {@link List} (Python lists and tuples) and insertion-ordered unmodifiable {@link Map} (dicts,
 * {@code OrderedDict}s), and {@link Tensor}. Tensors of any storage type are converted to float32.
 * Objects of other Python classes become maps with their attributes and a {@code "__class__"} entry.
 *
 * <p>Anything unreadable (not a zip, a torch file of the legacy format, a truncated or corrupted pickle,
 * a storage of the wrong size) is a {@link BadInputException} naming the file and the problem.
 */
public final class TorchFile {
    /** Limit on a single entry (pickle or storage), far above HELP's files (at most a few MiB). */
    static final long MAX_ENTRY_BYTES = 1L << 29;

    private TorchFile() {}

    /** The object that {@code torch.load(file)} would return, as plain Java values. */
    public static Object read(Path file) {
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": file not found");
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n == 0) throw new BadInputException(file + ": empty file (not a torch.save file)");
            if (n < 4 || !(head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)) {
                if ((head[0] & 0xff) == 0x80)
                    throw new BadInputException(file + ": legacy (pre-1.6, non-zip) torch.save format is not supported; "
                            + "re-save it with torch.save(torch.load(f), f) in PyTorch >= 1.6");
                throw new BadInputException(file + ": not a torch.save zip file (no zip header)");
            }
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + Texts.shown(String.valueOf(e.getMessage()), 100) + ")");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return new Reader(file, zip).read();
        } catch (ZipException e) {
            throw new BadInputException(file + ": corrupt zip archive (" + Texts.shown(String.valueOf(e.getMessage()), 100) + ")");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + Texts.shown(String.valueOf(e.getMessage()), 100) + ")");
        }
    }

    /** Reads one archive: finds {@code data.pkl}, unpickles it, converts the result. */
    private static final class Reader {
        private final Path file;
        private final ZipFile zip;
        private String prefix;
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        private final Map<String, float[]> storages = new HashMap<>();

        Reader(Path file, ZipFile zip) {
            this.file = file;
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
            prefix = pickle.getName().substring(0, pickle.getName().length() - "data.pkl".length());
            ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
            if (byteorder != null) {
                String text = new String(bytes(byteorder, 16), java.nio.charset.StandardCharsets.US_ASCII).strip();
                order = switch (text) {
                    case "little" -> ByteOrder.LITTLE_ENDIAN;
                    case "big" -> ByteOrder.BIG_ENDIAN;
                    default -> throw bad("unknown byte order '" + Texts.shown(text) + "' in " + Texts.shown(byteorder.getName(), 80));
                };
            }
            byte[] pkl = bytes(pickle, MAX_ENTRY_BYTES);
            Object raw;
            try {
                raw = new TorchUnpickler(this).loads(pkl);
            } catch (BadInputException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw bad("corrupt pickle in " + Texts.shown(pickle.getName(), 80) + " (" + describe(e) + ")");
            }
            try {
                return plain(raw, new IdentityHashMap<>());
            } catch (StackOverflowError e) {
                throw bad("object nested too deeply in " + Texts.shown(pickle.getName(), 80));
            }
        }

        BadInputException bad(String what) {
            return new BadInputException(file + ": " + what);
        }

        private byte[] bytes(ZipEntry entry, long limit) throws IOException {
            if (entry.getSize() > limit) throw bad("entry " + Texts.shown(entry.getName(), 80) + " is too large (" + entry.getSize() + " bytes)");
            try (InputStream in = zip.getInputStream(entry)) {
                byte[] data = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
                if (data.length > limit) throw bad("entry " + Texts.shown(entry.getName(), 80) + " is too large");
                return data;
            } catch (ZipException e) {
                throw bad("corrupt zip entry " + Texts.shown(entry.getName(), 80) + " (" + Texts.shown(String.valueOf(e.getMessage()), 100) + ")");
            }
        }

        /** The values of storage {@code key}, converted to float; {@code numel} elements of {@code type}. */
        float[] storage(StorageType type, String key, long numel) {
            String id = key + "/" + type.name;
            String shownKey = Texts.shown(key);
            float[] cached = storages.get(id);
            if (cached != null) return cached;
            ZipEntry entry = zip.getEntry(prefix + "data/" + key);
            if (entry == null) throw bad("storage " + shownKey + " is missing (no entry " + Texts.shown(prefix + "data/" + key, 80) + ")");
            if (numel < 0 || numel * type.bytes > MAX_ENTRY_BYTES) throw bad("storage " + shownKey + " has an impossible size " + numel);
            byte[] raw;
            try {
                raw = bytes(entry, MAX_ENTRY_BYTES);
            } catch (IOException e) {
                throw bad("cannot read storage " + shownKey + " (" + Texts.shown(String.valueOf(e.getMessage()), 100) + ")");
            }
            if (raw.length != numel * type.bytes)
                throw bad("storage " + shownKey + " holds " + raw.length + " bytes, but " + numel + " " + type.name + " values need " + numel * type.bytes);
            float[] values = type.decode(ByteBuffer.wrap(raw).order(order), (int) numel);
            storages.put(id, values);
            return values;
        }

        /** Converts Pyrolite's objects to the plain values documented on {@link TorchFile}. */
        private Object plain(Object o, IdentityHashMap<Object, Object> done) {
            if (o == null || o instanceof String || o instanceof Boolean || o instanceof Double || o instanceof Long
                    || o instanceof java.math.BigInteger || o instanceof Tensor || o instanceof byte[]) return o;
            if (o instanceof Integer i) return i.longValue();
            if (o instanceof Number n) return n.doubleValue();
            Object known = done.get(o);
            if (known != null) return known;
            if (o instanceof Object[] tuple) {
                List<Object> list = new ArrayList<>(tuple.length);
                Object view = Collections.unmodifiableList(list);
                done.put(o, view);
                for (Object e : tuple) list.add(plain(e, done));
                return view;
            }
            if (o instanceof List<?> l) {
                List<Object> list = new ArrayList<>(l.size());
                Object view = Collections.unmodifiableList(list);
                done.put(o, view);
                for (Object e : l) list.add(plain(e, done));
                return view;
            }
            if (o instanceof ClassDict cd) {
                Map<Object, Object> map = new LinkedHashMap<>();
                Object view = Collections.unmodifiableMap(map);
                done.put(o, view);
                map.put("__class__", cd.getClassName());
                cd.forEach((k, v) -> map.put(k, plain(v, done)));
                return view;
            }
            if (o instanceof Map<?, ?> m) {
                Map<Object, Object> map = new LinkedHashMap<>();
                Object view = Collections.unmodifiableMap(map);
                done.put(o, view);
                for (Map.Entry<?, ?> e : m.entrySet()) map.put(plain(e.getKey(), done), plain(e.getValue(), done));
                return view;
            }
            if (o instanceof StorageType t) throw bad("unexpected bare storage type " + t.name + " in the pickle");
            if (o instanceof IObjectConstructor) throw bad("unexpected Python class or function object in the pickle (" + Texts.shown(String.valueOf(o), 80) + ")");
            if (o instanceof java.util.Set<?> s) {
                List<Object> list = new ArrayList<>();
                for (Object e : s) list.add(plain(e, done));
                return Collections.unmodifiableList(list);
            }
            throw bad("unsupported value of type " + o.getClass().getSimpleName() + " in the pickle");
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

    /** A storage handed to {@code _rebuild_tensor_v2} by the persistent-id hook. */
    record Storage(String key, float[] values) {}

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
        private ByteArrayInputStream bytes;

        TorchUnpickler(Reader reader) {
            this.reader = reader;
        }

        @Override
        public Object loads(byte[] pickledata) throws PickleException, IOException {
            bytes = new ByteArrayInputStream(pickledata);
            return load(bytes);
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
                    for (int i = 0; i < items.size(); i += 2) target.put(items.get(i), items.get(i + 1));
                    return NO_RETURN_VALUE;
                }
                case Opcodes.BUILD -> {
                    Object state = stack.pop();
                    Object target = stack.peek();
                    if (target instanceof ClassDict cd && state instanceof Map<?, ?> m) {
                        m.forEach((k, v) -> cd.put(String.valueOf(k), v));
                        return NO_RETURN_VALUE;
                    }
                    if (target instanceof Map<?, ?> || target instanceof Tensor) return NO_RETURN_VALUE;
                    throw new PickleException("BUILD on an unsupported object " + target.getClass().getSimpleName());
                }
                case Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.BINUNICODE, Opcodes.LONG4 -> checkLength(4);
                case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.BYTEARRAY8 -> checkLength(8);
                default -> {}
            }
            return super.dispatch(key);
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
            if (!(t[4] instanceof Number numel)) throw new PickleException("storage size is not a number");
            return new Storage(key, reader.storage(type, key, numel.longValue()));
        }

        private static String describePid(Object pid) {
            if (pid instanceof Object[] t) return "tuple of " + t.length + (t.length > 0 ? " starting with " + t[0] : "");
            return String.valueOf(pid);
        }

        /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks, ...)}. */
        private static Object rebuildTensor(Object[] args) {
            if (args.length < 4 || !(args[0] instanceof Storage storage))
                throw new PickleException("_rebuild_tensor with unexpected arguments");
            long offset = integer(args[1], "storage offset");
            long[] size = integers(args[2], "size");
            long[] stride = integers(args[3], "stride");
            if (size.length != stride.length) throw new PickleException("size and stride differ in length");
            long numel = 1;
            int[] shape = new int[size.length];
            for (int d = 0; d < size.length; d++) {
                if (size[d] < 0 || stride[d] < 0) throw new PickleException("negative size or stride");
                numel *= size[d];
                if (numel > Integer.MAX_VALUE - 8) throw new PickleException("tensor too large");
                shape[d] = (int) size[d];
            }
            float[] src = storage.values();
            float[] out = new float[(int) numel];
            if (numel > 0) {
                long last = offset;
                for (int d = 0; d < size.length; d++) last += (size[d] - 1) * stride[d];
                if (offset < 0 || last >= src.length)
                    throw new PickleException("tensor of shape " + java.util.Arrays.toString(shape) + " reaches past storage " + Texts.shown(storage.key())
                            + " of " + src.length + " values");
                long[] idx = new long[size.length];
                for (int i = 0; i < out.length; i++) {
                    long at = offset;
                    for (int d = 0; d < size.length; d++) at += idx[d] * stride[d];
                    out[i] = src[(int) at];
                    for (int d = size.length - 1; d >= 0; d--) {
                        if (++idx[d] < size[d]) break;
                        idx[d] = 0;
                    }
                }
            }
            return new Tensor(shape, out);
        }

        private static Object rebuildParameter(Object[] args) {
            if (args.length < 1 || !(args[0] instanceof Tensor t)) throw new PickleException("_rebuild_parameter without a tensor");
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
