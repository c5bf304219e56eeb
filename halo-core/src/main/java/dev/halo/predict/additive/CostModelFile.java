package dev.halo.predict.additive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.BadInputException;
import dev.halo.Halo;
import dev.halo.data.JsonFiles;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An op-costs predictor adapted to one device, as a file ({@code "format": "halo-op-costs"}): the device's measured
 * latencies with provenance, the feature set they were fitted over ({@code "features"}, e.g. {@code executed-kernels};
 * files without it predate the choice and mean the space's default), and the fitted costs for people to read. Loading
 * refits from the measurements — the fit is deterministic and takes milliseconds — so the file cannot disagree with
 * the code that reads it.
 */
public final class CostModelFile {
    public static final String FORMAT = "halo-op-costs";

    private CostModelFile() {}

    /** A device's fit and where it came from. */
    public record Adapted(String device, SearchSpace<?> space, List<Architecture> archs, double[] ms, String haloVersion, String created,
            AdditiveCostPredictor predictor) {
        public Adapted {
            archs = List.copyOf(archs);
            ms = ms.clone();
        }

        @Override
        public double[] ms() {
            return ms.clone();
        }
    }

    /** Fits {@code device}'s measured latencies; a space without cost features, too few rows or a bad latency is bad input. */
    public static Adapted adapt(SearchSpace<?> space, String device, List<? extends Architecture> archs, double[] ms) {
        return adapt(space, CostFeatures.require(space, AdditiveCostMethod.NAME), device, archs, ms);
    }

    /** Fits {@code device}'s measured latencies over {@code features} (one of {@code space}'s feature sets). */
    public static Adapted adapt(SearchSpace<?> space, CostFeatures features, String device, List<? extends Architecture> archs, double[] ms) {
        if (!features.space().equals(space.name()))
            throw new IllegalArgumentException("features " + features.name() + " are for " + features.space() + ", not " + space.name());
        for (int i = 0; i < ms.length; i++)
            if (!(ms[i] >= dev.halo.io.Limits.MIN_LATENCY_MS && ms[i] <= dev.halo.io.Limits.MAX_LATENCY_MS))
                throw new BadInputException("samples[" + i + "].ms is " + ms[i] + ", not a latency in [" + dev.halo.io.Limits.MIN_LATENCY_MS + ", "
                        + dev.halo.io.Limits.MAX_LATENCY_MS + "] ms");
        AdditiveCostPredictor fit = AdditiveCostPredictor.fit(features, archs, ms);
        double[] b = fit.coefficients();
        for (int k = 0; k < b.length; k++)
            if (!Double.isFinite(b[k]))
                throw new BadInputException("costsMs." + (k == 0 ? "fixed" : features.names().get(k - 1)) + ": the fit gives " + b[k] + " (degenerate latencies)");
        return new Adapted(device, space, List.copyOf(archs), ms, Halo.version(), Instant.now().toString(), fit);
    }

    public static void save(Path file, Adapted a) {
        ObjectNode doc = JsonFiles.JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("space", a.space().name());
        doc.put("device", a.device());
        CostFeatures features = a.predictor().features();
        doc.put("features", features.name());
        ObjectNode costs = doc.putObject("costsMs");
        double[] b = a.predictor().coefficients();
        costs.put("fixed", b[0]);
        for (int k = 0; k < features.names().size(); k++) costs.put(features.names().get(k), b[k + 1]);
        ArrayNode samples = doc.putArray("samples");
        double[] ms = a.ms();
        for (int i = 0; i < ms.length; i++) samples.addObject().put("arch", a.archs().get(i).canonical()).put("ms", ms[i]);
        doc.put("haloVersion", a.haloVersion());
        doc.put("created", a.created());
        JsonFiles.write(file, doc);
    }

    public static Adapted load(Path file) {
        JsonNode doc = JsonFiles.read(file);
        if (!FORMAT.equals(doc.path("format").asText())) throw new BadInputException(file + ": field 'format' is not '" + FORMAT + "'");
        SearchSpace<?> space;
        try {
            space = Spaces.byName(text(doc, "space", file));
        } catch (BadInputException e) {
            throw new BadInputException(file + ": field 'space': " + e.getMessage());
        }
        String featureSet = doc.hasNonNull("features") ? doc.get("features").asText() : CostFeatures.require(space, AdditiveCostMethod.NAME).name();
        CostFeatures features = CostFeatures.named(space, featureSet).orElseThrow(() -> new BadInputException(
                file + ": field 'features' is '" + featureSet + "'; " + space.name() + " has: " + String.join(", ", CostFeatures.namesFor(space))));
        JsonNode samples = doc.get("samples");
        if (samples == null || !samples.isArray()) throw new BadInputException(file + ": field 'samples' missing or not a list");
        List<Architecture> archs = new ArrayList<>();
        double[] ms = new double[samples.size()];
        for (int i = 0; i < ms.length; i++) {
            JsonNode s = samples.get(i);
            String where = file + ": samples[" + i + "]";
            try {
                archs.add(space.parse(text(s, "arch", Path.of(where))));
            } catch (BadInputException e) {
                throw new BadInputException(where + ".arch: " + e.getMessage());
            }
            if (!s.path("ms").isNumber()) throw new BadInputException(where + ".ms: missing or not a number");
            ms[i] = s.get("ms").asDouble();
        }
        try {
            Adapted fresh = adapt(space, features, text(doc, "device", file), archs, ms);
            return new Adapted(fresh.device(), space, archs, ms, doc.path("haloVersion").asText(""), doc.path("created").asText(""), fresh.predictor());
        } catch (BadInputException e) {
            throw new BadInputException(file + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field, Path where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw new BadInputException(where + ": field '" + field + "' missing or empty");
        return v.asText();
    }
}
