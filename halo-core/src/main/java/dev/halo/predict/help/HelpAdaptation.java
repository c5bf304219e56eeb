package dev.halo.predict.help;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.BadInputException;
import dev.halo.io.Limits;
import dev.halo.Halo;
import dev.halo.nn.Params;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Graph;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Adapts a HELP model to a new device from what one can measure there: the latencies of the model's
 * reference architectures (the hardware embedding) and a few (architecture, ms) samples.
 *
 * <pre>{@code
 * HelpModelFile.Stored model = HelpModelFile.load(Path.of("help-nb201.json"));
 * AdaptedHelpPredictor p = HelpAdaptation.adapt(model, "my-phone", referenceMs, archs, ms, HelpAdaptation.Options.DEFAULT);
 * double[] predictedMs = p.predictMs(space.all());
 * HelpAdaptation.save(Path.of("my-phone.help.json"), p);   // reload with HelpAdaptation.load
 * }</pre>
 *
 * Targets are scaled with {@link SampleScale} (the device's pool range estimated from the samples), since a
 * new device has no pool; predictions are mapped back to ms with the same scale.
 */
public final class HelpAdaptation {
    private HelpAdaptation() {}

    public static final String FORMAT = "halo-help-adapted";

    /**
     * @param mcSamples z samples whose adapted predictions are averaged (0: one adaptation with z at its
     *                  posterior mean, the fastest predictor; HELP's meta-test draws 10)
     * @param seed      seed of the z draws (irrelevant for 0 samples)
     */
    public record Options(int mcSamples, long seed) {
        public static final Options DEFAULT = new Options(0, 0);

        public Options {
            if (mcSamples < 0) throw new BadInputException("Monte-Carlo samples must be >= 0, got " + mcSamples);
        }
    }

    /** Everything an adapted predictor was built from, stored in its file. */
    public record Record(String device, double[] referenceMs, List<String> sampleArchs, double[] sampleMs, Options options,
                         HelpProvenance model, String haloVersion, String created) {}

    public static AdaptedHelpPredictor adapt(HelpModelFile.Stored model, String device, double[] referenceMs,
                                             List<? extends Architecture> archs, double[] ms, Options options) {
        HelpProvenance prov = model.provenance();
        Nb201Graph.Wiring wiring = prov.nb201Wiring() == null || prov.nb201Wiring().isEmpty() ? Nb201Graph.Wiring.HELP : Nb201Graph.Wiring.valueOf(prov.nb201Wiring());
        HelpEncoder encoder = HelpEncoder.forSpace(prov.space(), wiring);
        return adapt(model.model(), encoder, prov, device, referenceMs, archs, ms, options, AdaptedHelpPredictor.PreparedCache.SHARED);
    }

    static AdaptedHelpPredictor adapt(HelpModel model, HelpEncoder encoder, HelpProvenance provenance, String device, double[] referenceMs,
                                      List<? extends Architecture> archs, double[] ms, Options options, AdaptedHelpPredictor.PreparedCache cache) {
        if (referenceMs.length != model.network().hardwareDim())
            throw new BadInputException("device " + device + ": need latencies of the " + model.network().hardwareDim() + " reference archs, got " + referenceMs.length);
        if (archs.size() != ms.length) throw new BadInputException("device " + device + ": " + archs.size() + " sample archs but " + ms.length + " latencies");
        double[] hardware = HelpProtocol.hardwareEmbedding(referenceMs);
        HelpProtocol.TargetScale scale = SampleScale.fromSamples(ms);
        double[] targets = new double[ms.length];
        for (int i = 0; i < ms.length; i++) targets[i] = scale.normalise(ms[i]);
        HelpInputs xs = encoder.encode(archs);
        List<Params> adapted = new ArrayList<>();
        // without z every adaptation is the same: one is enough
        if (options.mcSamples() == 0 || !model.stochastic()) adapted.add(model.adapt(xs, targets, hardware, null));
        else {
            SplittableRandom rng = new SplittableRandom(options.seed());
            for (int s = 0; s < options.mcSamples(); s++) adapted.add(model.adapt(xs, targets, hardware, rng));
        }
        Record record = new Record(device, referenceMs.clone(), archs.stream().map(Architecture::canonical).toList(), ms.clone(), options,
                provenance, Halo.version(), Instant.now().toString());
        return new AdaptedHelpPredictor(encoder, model, adapted, hardware, scale, record, cache);
    }

    /**
     * Writes the base model and the adaptation inputs (not the adapted weights: re-adapting on load is
     * deterministic, takes milliseconds, and keeps the file at the base model's size).
     */
    public static void save(Path file, AdaptedHelpPredictor predictor) {
        save(file, predictor, HelpModelFile.Precision.FLOAT64);
    }

    /** As {@link #save(Path, AdaptedHelpPredictor)} with the base model's tensors at {@code precision} (gzip if the name ends in .gz). */
    public static void save(Path file, AdaptedHelpPredictor predictor, HelpModelFile.Precision precision) {
        Record r = predictor.record();
        ObjectNode doc = HelpModelFile.document(predictor.base(), r.model(), precision);
        doc.put("format", FORMAT);
        ObjectNode dev = doc.putObject("adaptation");
        dev.put("device", r.device());
        ArrayNode ref = dev.putArray("referenceMs");
        for (double v : r.referenceMs()) ref.add(v);
        ArrayNode samples = dev.putArray("samples");
        for (int i = 0; i < r.sampleArchs().size(); i++) samples.addObject().put("arch", r.sampleArchs().get(i)).put("ms", r.sampleMs()[i]);
        dev.put("mcSamples", r.options().mcSamples());
        dev.put("seed", r.options().seed());
        // written only when calibrated, so uncalibrated files stay as they were
        if (predictor.levelFactor() != 1.0) dev.put("levelFactor", predictor.levelFactor());
        dev.put("haloVersion", r.haloVersion());
        dev.put("created", r.created());
        HelpModelFile.write(file, doc);
    }

    private static void requireLatency(Path file, String field, double ms) {
        if (!(ms >= Limits.MIN_LATENCY_MS && ms <= Limits.MAX_LATENCY_MS))
            throw new BadInputException(file + ": field '" + field + "' is " + ms + ", not a latency in [" + Limits.MIN_LATENCY_MS
                    + ", " + Limits.MAX_LATENCY_MS + "] ms");
    }

    public static AdaptedHelpPredictor load(Path file) {
        JsonNode doc = HelpModelFile.read(file);
        if (!FORMAT.equals(doc.path("format").asText())) throw new BadInputException(file + ": field 'format' is not '" + FORMAT + "'");
        ((ObjectNode) doc).put("format", HelpModelFile.FORMAT);
        HelpModelFile.Stored model = HelpModelFile.stored(file, doc);
        JsonNode dev = doc.get("adaptation");
        if (dev == null) throw new BadInputException(file + ": field 'adaptation' missing");
        try {
            double[] ref = new double[dev.get("referenceMs").size()];
            for (int i = 0; i < ref.length; i++) ref[i] = dev.get("referenceMs").get(i).asDouble();
            List<Architecture> archs = new ArrayList<>();
            double[] ms = new double[dev.get("samples").size()];
            HelpEncoder enc = HelpEncoder.forSpace(model.provenance().space(), Nb201Graph.Wiring.HELP);
            for (int i = 0; i < ms.length; i++) {
                JsonNode s = dev.get("samples").get(i);
                archs.add(enc.space().parse(s.get("arch").asText()));
                ms[i] = s.get("ms").asDouble();
            }
            for (int i = 0; i < ref.length; i++) requireLatency(file, "adaptation.referenceMs[" + i + "]", ref[i]);
            for (int i = 0; i < ms.length; i++) requireLatency(file, "adaptation.samples[" + i + "].ms", ms[i]);
            int mc = dev.get("mcSamples").asInt();
            if (mc < 0 || mc > Limits.MAX_MC)
                throw new BadInputException(file + ": field 'adaptation.mcSamples' is " + mc + ", expected 0.." + Limits.MAX_MC);
            Options options = new Options(mc, dev.get("seed").asLong());
            AdaptedHelpPredictor adapted = adapt(model, dev.get("device").asText(), ref, archs, ms, options);
            double level = dev.path("levelFactor").asDouble(1.0);
            if (!(level > 0) || Double.isInfinite(level)) throw new BadInputException(file + ": field 'adaptation.levelFactor' must be a positive number");
            return level == 1.0 ? adapted : adapted.withLevelFactor(level);
        } catch (NullPointerException e) {
            throw new BadInputException(file + ": field 'adaptation' is malformed (missing device, referenceMs, samples, mcSamples or seed)");
        }
    }
}
