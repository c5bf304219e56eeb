package dev.halo.data;

import dev.halo.BadInputException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * HELP's released meta-trained model ({@code checkpoint/help_max_corr.pt}): a dict with the episode it was
 * saved at ({@code epi}; absent in the OFA checkpoint), the predictor's state dict ({@code model}: GCN or MLP weights, keys like
 * {@code meta_learner.fc3.weight}), the hardware-embedding encoder's state dict ({@code inference_network})
 * and Meta-SGD's per-parameter inner learning rates ({@code task_lr}, keyed like {@code model}).
 * Maps keep the file's order.
 */
public record TorchCheckpoint(Path source, OptionalLong epi, Map<String, Tensor> model, Map<String, Tensor> inferenceNetwork,
                              Map<String, Tensor> taskLr) {

    public static TorchCheckpoint read(Path file) {
        Object root = TorchFile.read(file);
        if (!(root instanceof Map<?, ?> top)) throw new BadInputException(file + ": expected a dict at the top level, found " + kind(root));
        Object epi = top.get("epi");
        if (epi != null && !(epi instanceof Long)) throw new BadInputException(file + ": key 'epi' is not an integer (" + kind(epi) + ")");
        return new TorchCheckpoint(file.toAbsolutePath().normalize(), epi == null ? OptionalLong.empty() : OptionalLong.of((Long) epi), tensors(file, top, "model"), tensors(file, top, "inference_network"),
                tensors(file, top, "task_lr"));
    }

    private static Map<String, Tensor> tensors(Path file, Map<?, ?> top, String key) {
        if (!(top.get(key) instanceof Map<?, ?> m))
            throw new BadInputException(file + ": key '" + key + "' missing or not a dict (" + kind(top.get(key)) + ")");
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof Tensor t))
                throw new BadInputException(file + ": entry '" + Texts.shown(String.valueOf(e.getKey())) + "' of '" + key + "' is not a named tensor (" + kind(e.getValue()) + ")");
            out.put(name, t);
        }
        return Collections.unmodifiableMap(out);
    }

    private static String kind(Object o) {
        return o == null ? "nothing" : o.getClass().getSimpleName();
    }
}
