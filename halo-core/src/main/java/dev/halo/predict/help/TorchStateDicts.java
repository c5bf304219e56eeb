package dev.halo.predict.help;

import dev.halo.BadInputException;
import dev.halo.nn.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * Reads the state dicts of a zip-format {@code torch.save} file (PyTorch ≥ 1.6) holding float32 tensors:
 * {@code {name: {param: tensor}}} for every top-level entry that is a dict of tensors. Enough for HELP's
 * released checkpoints ({@code model}, {@code inference_network}, {@code task_lr}).
 */
final class TorchStateDicts {
    private TorchStateDicts() {}

    /** A storage reference resolved from the zip, before a tensor view is cut from it. */
    private record Storage(float[] values) {}

    /** The value the unpickler substitutes for the global {@code torch.FloatStorage}: a type marker. */
    private static final class FloatStorageType implements net.razorvine.pickle.IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("torch.FloatStorage is a type marker, not constructible");
        }
    }

    /** An ordered dict that accepts (and ignores) the {@code _metadata} attribute torch pickles with a state dict. */
    public static final class StateDict extends LinkedHashMap<Object, Object> {
        public void __setstate__(java.util.HashMap<?, ?> attributes) {
            // version metadata of the modules; no tensor data
        }
    }

    static {
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", args -> rebuild(args));
        Unpickler.registerConstructor("torch", "FloatStorage", new FloatStorageType());
        Unpickler.registerConstructor("collections", "OrderedDict", args -> new StateDict());
    }

    private static Tensor rebuild(Object[] args) {
        if (!(args[0] instanceof Storage storage)) throw new PickleException("tensor without a float storage");
        int offset = ((Number) args[1]).intValue();
        Object[] size = (Object[]) args[2], stride = (Object[]) args[3];
        int[] shape = new int[size.length];
        int n = 1;
        for (int i = 0; i < size.length; i++) {
            shape[i] = ((Number) size[i]).intValue();
            n *= shape[i];
        }
        // Contiguous row-major is the only layout state dicts of Linear/GCN layers use; check it.
        int expect = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (shape[i] > 1 && ((Number) stride[i]).intValue() != expect) throw new PickleException("non-contiguous tensor");
            expect *= shape[i];
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = storage.values[offset + i];
        return Tensor.of(d, shape);
    }

    static Map<String, Map<String, Tensor>> read(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = zip.stream().filter(e -> e.getName().endsWith("/data.pkl")).findFirst()
                    .orElseThrow(() -> new BadInputException(file + ": not a zip-format torch file (no data.pkl)"));
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            Unpickler unpickler = new Unpickler() {
                @Override
                protected Object persistentLoad(Object pid) {
                    Object[] t = (Object[]) pid; // ('storage', storage_type, key, location, numel)
                    if (!(t[1] instanceof FloatStorageType)) throw new PickleException("only float32 storages are supported, found " + t[1]);
                    ZipEntry e = zip.getEntry(prefix + "data/" + t[2]);
                    if (e == null) throw new PickleException("missing storage " + t[2]);
                    try (InputStream in = zip.getInputStream(e)) {
                        ByteBuffer bb = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
                        float[] f = new float[bb.remaining() / 4];
                        bb.asFloatBuffer().get(f);
                        return new Storage(f);
                    } catch (IOException ex) {
                        throw new PickleException("cannot read storage " + t[2] + ": " + ex.getMessage());
                    }
                }
            };
            Object root;
            try (InputStream in = zip.getInputStream(pkl)) {
                root = unpickler.load(in);
            }
            if (!(root instanceof Map<?, ?> top)) throw new BadInputException(file + ": top level is not a dict");
            Map<String, Map<String, Tensor>> out = new LinkedHashMap<>();
            for (var e : top.entrySet()) {
                if (!(e.getValue() instanceof Map<?, ?> inner)) continue;
                Map<String, Tensor> dict = new LinkedHashMap<>();
                for (var p : inner.entrySet()) if (p.getValue() instanceof Tensor t) dict.put(String.valueOf(p.getKey()), t);
                if (!dict.isEmpty()) out.put(String.valueOf(e.getKey()), dict);
            }
            return out;
        } catch (IOException | PickleException | ClassCastException e) {
            throw new BadInputException(file + ": cannot read torch checkpoint: " + e.getMessage());
        }
    }

    static List<String> describe(Map<String, Map<String, Tensor>> dicts) {
        return dicts.entrySet().stream().flatMap(e -> e.getValue().entrySet().stream()
                .map(p -> e.getKey() + "/" + p.getKey() + java.util.Arrays.toString(p.getValue().shape()))).toList();
    }
}
