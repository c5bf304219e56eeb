package dev.halo.predict.help;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.BadInputException;
import dev.halo.data.JsonFiles;
import dev.halo.nn.Adam;
import dev.halo.nn.Params;
import dev.halo.nn.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The halo HELP model file: one JSON document, {@code "format": "halo-help-model"}, with the network shape,
 * the {@link HelpVariant} (section {@code variant}; a file without it is a HELP model), the provenance, and
 * every trainable tensor as {@code {shape, data}} where data is base64 of little-endian float64
 * (exact, and ~4x smaller than decimal text), or of little-endian float32 when the tensor says
 * {@code "dtype": "float32"} (half the size; the shipped default model uses it). A file whose name ends in
 * {@code .gz} is written gzip-compressed, and loading recognises gzip by its magic bytes whatever the name.
 * A training checkpoint is the same document with a
 * {@code training} section (current weights, Adam moments, episode, best-so-far), so
 * {@code halo meta-train --resume} and {@code --model} read the same file. Writes go to a temporary file
 * that is moved into place, so a crash never leaves half a model.
 */
public final class HelpModelFile {
    private HelpModelFile() {}

    public static final String FORMAT = "halo-help-model";
    public static final int VERSION = 1;
    static final ObjectMapper JSON = JsonFiles.JSON;

    /** A model with its provenance. */
    public record Stored(HelpModel model, HelpProvenance provenance) {}

    /** A checkpoint: the best model so far plus what resuming needs. */
    public record Checkpoint(Stored best, HelpMetaTrainer.State state, HelpTrainingConfig config) {}

    /** How tensor values are stored: float64 is exact; float32 halves the file (relative rounding ~6e-8). */
    public enum Precision { FLOAT64, FLOAT32 }

    public static void save(Path file, HelpModel model, HelpProvenance provenance) {
        save(file, model, provenance, Precision.FLOAT64);
    }

    /** Writes the model with tensors at {@code precision}; gzip-compressed when the file name ends in {@code .gz}. */
    public static void save(Path file, HelpModel model, HelpProvenance provenance, Precision precision) {
        write(file, document(model, provenance, precision));
    }

    public static void saveCheckpoint(Path file, HelpMetaTrainer.State state, HelpTrainingConfig config, HelpProvenance provenance) {
        ObjectNode doc = document(state.best(), provenance);
        ObjectNode tr = doc.putObject("training");
        tr.set("config", JSON.valueToTree(config));
        tr.put("episode", state.episode());
        tr.put("bestEpisode", state.bestEpisode());
        tr.put("bestValidSpearman", state.bestValidSpearman());
        tr.put("trainSeconds", state.trainSeconds());
        tr.set("current", tensors(state.current().allParameters()));
        ObjectNode adam = tr.putObject("adam");
        adam.put("learningRate", state.adam().learningRate());
        adam.put("beta1", state.adam().beta1());
        adam.put("beta2", state.adam().beta2());
        adam.put("epsilon", state.adam().epsilon());
        adam.put("steps", state.adam().steps());
        adam.set("firstMoment", tensors(state.adam().firstMoment()));
        adam.set("secondMoment", tensors(state.adam().secondMoment()));
        write(file, doc);
    }

    public static Stored load(Path file) {
        JsonNode doc = read(file);
        return stored(file, doc);
    }

    public static Checkpoint loadCheckpoint(Path file) {
        JsonNode doc = read(file);
        Stored best = stored(file, doc);
        JsonNode tr = doc.get("training");
        if (tr == null) throw new BadInputException(file + ": field 'training' missing: not a training checkpoint");
        try {
            HelpTrainingConfig config = JSON.treeToValue(tr.get("config"), HelpTrainingConfig.class);
            HelpModel current = best.model().withAllParameters(tensors(file, "training.current", tr.get("current")));
            JsonNode a = tr.get("adam");
            Adam adam = new Adam(a.get("learningRate").asDouble(), a.get("beta1").asDouble(), a.get("beta2").asDouble(), a.get("epsilon").asDouble(),
                    a.get("steps").asInt(), tensors(file, "training.adam.firstMoment", a.get("firstMoment")), tensors(file, "training.adam.secondMoment", a.get("secondMoment")));
            HelpMetaTrainer.State state = new HelpMetaTrainer.State(current, adam, tr.get("episode").asInt(), best.model(),
                    tr.get("bestValidSpearman").asDouble(), tr.get("bestEpisode").asInt(), tr.get("trainSeconds").asDouble());
            return new Checkpoint(best, state, config);
        } catch (IOException | NullPointerException e) {
            throw new BadInputException(file + ": field 'training' is malformed: " + e.getMessage());
        }
    }

    static ObjectNode document(HelpModel model, HelpProvenance provenance) {
        return document(model, provenance, Precision.FLOAT64);
    }

    static ObjectNode document(HelpModel model, HelpProvenance provenance, Precision precision) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("version", VERSION);
        doc.set("provenance", JSON.valueToTree(provenance));
        ObjectNode net = doc.putObject("network");
        net.put("kind", model.network().kind().name());
        net.put("features", model.network().features());
        net.put("hidden", model.network().hidden());
        net.put("hardwareDim", model.network().hardwareDim());
        net.put("zScale", model.zScale());
        net.put("innerSteps", model.innerSteps());
        HelpVariant v = model.variant();
        doc.putObject("variant").put("algorithm", v.algorithm()).put("hardwareEmbedding", v.hardwareEmbedding())
                .put("zModulation", v.zModulation()).put("innerRates", v.learnedInnerRates() ? "learned" : "fixed").put("innerRate", v.innerRate());
        doc.set("tensors", tensors(model.allParameters(), precision));
        return doc;
    }

    static Stored stored(Path file, JsonNode doc) {
        if (!FORMAT.equals(text(doc, "format"))) throw new BadInputException(file + ": field 'format' is not '" + FORMAT + "'");
        if (doc.path("version").asInt() != VERSION) throw new BadInputException(file + ": field 'version' " + doc.path("version") + " is not supported (expected " + VERSION + ")");
        JsonNode net = doc.get("network");
        if (net == null) throw new BadInputException(file + ": field 'network' missing");
        HelpNetwork network;
        try {
            network = new HelpNetwork(HelpNetwork.Kind.valueOf(text(net, "kind")), net.get("features").asInt(), net.get("hidden").asInt(), net.get("hardwareDim").asInt());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new BadInputException(file + ": field 'network' is malformed: " + e.getMessage());
        }
        HelpVariant variant = variant(file, doc.get("variant"));
        HelpModel shape = HelpModel.initialise(network, variant, new java.util.Random(0));
        Params all = tensors(file, "tensors", doc.get("tensors"));
        Params expected = shape.allParameters();
        for (String n : expected.names()) {
            if (!all.has(n)) throw new BadInputException(file + ": field 'tensors' lacks " + n);
            if (!all.get(n).sameShape(expected.get(n))) throw new BadInputException(file + ": field 'tensors." + n + "' has the wrong shape");
        }
        HelpModel model = new HelpModel(shape.network(), variant, shape.weights(), shape.taskLr(), shape.encoder(), net.path("zScale").asDouble(HelpModel.Z_SCALE), net.path("innerSteps").asInt(HelpModel.INNER_STEPS)).withAllParameters(all);
        HelpProvenance prov;
        try {
            prov = JSON.treeToValue(doc.get("provenance"), HelpProvenance.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInputException(file + ": field 'provenance' is malformed: " + e.getMessage());
        }
        if (!prov.algorithm().equals(variant.algorithm()))
            throw new BadInputException(file + ": field 'provenance.algorithm' is " + prov.algorithm() + " but the variant is " + variant.algorithm());
        HelpModelValidation.requireSane(file, "tensors", model);
        return new Stored(model, prov);
    }

    /** The {@code variant} section; absent in files written before the baselines existed, which are HELP models. */
    private static HelpVariant variant(Path file, JsonNode v) {
        if (v == null) return HelpVariant.HELP;
        String rates = text(v, "innerRates");
        if (!"learned".equals(rates) && !"fixed".equals(rates))
            throw new BadInputException(file + ": field 'variant.innerRates' is " + rates + ", expected learned or fixed");
        for (String f : List.of("hardwareEmbedding", "zModulation"))
            if (!v.path(f).isBoolean()) throw new BadInputException(file + ": field 'variant." + f + "' must be true or false");
        if (!v.path("innerRate").isNumber()) throw new BadInputException(file + ": field 'variant.innerRate' must be a number");
        try {
            return new HelpVariant(v.get("hardwareEmbedding").asBoolean(), v.get("zModulation").asBoolean(), rates.equals("learned"), v.get("innerRate").asDouble());
        } catch (BadInputException e) {
            throw new BadInputException(file + ": field 'variant' is invalid: " + e.getMessage());
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null ? null : v.asText();
    }

    private static ObjectNode tensors(Params p) {
        return tensors(p, Precision.FLOAT64);
    }

    private static ObjectNode tensors(Params p, Precision precision) {
        ObjectNode out = JSON.createObjectNode();
        boolean single = precision == Precision.FLOAT32;
        for (String name : p.names()) {
            Tensor t = p.get(name);
            ObjectNode o = out.putObject(name);
            ArrayNode shape = o.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            // float64 files carry no dtype field, so they stay readable by older halo versions
            if (single) o.put("dtype", "float32");
            ByteBuffer bb = ByteBuffer.allocate((single ? 4 : 8) * t.size()).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : t.data()) {
                if (single) bb.putFloat((float) v);
                else bb.putDouble(v);
            }
            o.put("data", Base64.getEncoder().encodeToString(bb.array()));
        }
        return out;
    }

    private static Params tensors(Path file, String field, JsonNode node) {
        if (node == null || !node.isObject()) throw new BadInputException(file + ": field '" + field + "' missing");
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            try {
                List<Integer> dims = new ArrayList<>();
                e.getValue().get("shape").forEach(d -> dims.add(d.asInt()));
                String dtype = e.getValue().path("dtype").asText("float64");
                boolean single = switch (dtype) {
                    case "float64" -> false;
                    case "float32" -> true;
                    default -> throw new IllegalArgumentException("dtype '" + dtype + "' is not float64 or float32");
                };
                byte[] raw = Base64.getDecoder().decode(e.getValue().get("data").asText());
                ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                double[] d = new double[raw.length / (single ? 4 : 8)];
                for (int i = 0; i < d.length; i++) d[i] = single ? bb.getFloat() : bb.getDouble();
                m.put(e.getKey(), Tensor.of(d, dims.stream().mapToInt(Integer::intValue).toArray()));
            } catch (IllegalArgumentException | NullPointerException ex) {
                throw new BadInputException(file + ": field '" + field + "." + e.getKey() + "' is malformed: " + ex.getMessage());
            }
        }
        return Params.of(m);
    }

    /**
     * Reads a model from a stream (e.g. a model bundled as a class-path resource), plain or gzip;
     * {@code source} names it in error messages.
     */
    public static Stored load(InputStream in, String source) {
        Path name = Path.of(source);
        return stored(name, JsonFiles.read(in, name));
    }

    static JsonNode read(Path file) {
        return JsonFiles.read(file);
    }

    static void write(Path file, JsonNode doc) {
        JsonFiles.write(file, doc);
    }
}
