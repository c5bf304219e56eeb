package dev.halo.predict.help;

import dev.halo.nn.Params;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import dev.halo.stats.Metrics;
import java.util.Arrays;
import java.util.List;

/**
 * A HELP model adapted to one device: predicts milliseconds for any architecture of the model's space.
 * Built by {@link HelpAdaptation#adapt}; saved and reloaded with {@link HelpAdaptation#save} / {@link HelpAdaptation#load}.
 *
 * <p>With several Monte-Carlo samples of z the prediction is their mean and {@link #predictWithInterval}
 * gives the empirical central interval over the samples (a spread of the meta-learned prior, not a
 * calibrated measurement interval); with z at its posterior mean the interval has zero width.
 */
public final class AdaptedHelpPredictor implements LatencyPredictor {
    private final HelpEncoder encoder;
    private final HelpModel base;
    private final HelpNetwork network;
    private final List<Params> adapted;
    private final double[] hardware;
    private final HelpProtocol.TargetScale scale;
    private final HelpAdaptation.Record record;
    private final PreparedCache cache;
    private final double levelFactor;

    AdaptedHelpPredictor(HelpEncoder encoder, HelpModel base, List<Params> adapted, double[] hardware, HelpProtocol.TargetScale scale,
                         HelpAdaptation.Record record, PreparedCache cache) {
        this(encoder, base, adapted, hardware, scale, record, cache, 1.0);
    }

    private AdaptedHelpPredictor(HelpEncoder encoder, HelpModel base, List<Params> adapted, double[] hardware, HelpProtocol.TargetScale scale,
                         HelpAdaptation.Record record, PreparedCache cache, double levelFactor) {
        if (!(levelFactor > 0) || Double.isInfinite(levelFactor)) throw new IllegalArgumentException("level factor must be positive, got " + levelFactor);
        this.levelFactor = levelFactor;
        this.encoder = encoder;
        this.base = base;
        this.network = base.network();
        this.adapted = List.copyOf(adapted);
        this.hardware = hardware.clone();
        this.scale = scale;
        this.record = record;
        this.cache = cache;
    }

    @Override
    public String space() {
        return encoder.space().name();
    }

    /** What the predictor was adapted from (device, samples, options, base model provenance). */
    public HelpAdaptation.Record record() {
        return record;
    }

    /**
     * The factor every prediction (and interval bound) is multiplied by: 1 unless a level calibration
     * ({@link LevelCalibration}) set it, so that the absolute level is the device's.
     */
    public double levelFactor() {
        return levelFactor;
    }

    /** This predictor with its predictions multiplied by {@code factor} (replacing any earlier factor); ranking is unchanged. */
    public AdaptedHelpPredictor withLevelFactor(double factor) {
        return new AdaptedHelpPredictor(encoder, base, adapted, hardware, scale, record, cache, factor);
    }

    /** The meta-trained model this predictor was adapted from. */
    public HelpModel base() {
        return base;
    }

    /** The ms ↔ normalised-target map used for this device. */
    public HelpProtocol.TargetScale scale() {
        return scale;
    }

    @Override
    public double[] predictMs(List<? extends Architecture> archs) {
        double[][] per = perSample(archs);
        double[] out = new double[archs.size()];
        for (double[] p : per) for (int i = 0; i < out.length; i++) out[i] += p[i] / per.length;
        for (int i = 0; i < out.length; i++) out[i] = levelFactor * scale.denormalise(out[i]);
        return out;
    }

    @Override
    public Prediction[] predictWithInterval(List<? extends Architecture> archs, double level) {
        double[][] per = perSample(archs);
        Prediction[] out = new Prediction[archs.size()];
        double[] col = new double[per.length];
        for (int i = 0; i < out.length; i++) {
            double mean = 0;
            for (int s = 0; s < per.length; s++) {
                col[s] = per[s][i];
                mean += col[s] / per.length;
            }
            Arrays.sort(col);
            double lo = Metrics.quantile(col, (1 - level) / 2), hi = Metrics.quantile(col, (1 + level) / 2);
            out[i] = new Prediction(levelFactor * scale.denormalise(mean), levelFactor * scale.denormalise(lo), levelFactor * scale.denormalise(hi));
        }
        return out;
    }

    private double[][] perSample(List<? extends Architecture> archs) {
        if (archs.isEmpty()) return new double[adapted.size()][0];
        HelpNetwork.Prepared x = cache.prepare(archs, network, encoder);
        double[][] per = new double[adapted.size()][];
        for (int s = 0; s < per.length; s++) per[s] = network.predict(adapted.get(s), x, hardware);
        return per;
    }

    /**
     * Remembers the last architecture list it prepared (by identity): evaluation and search score the same
     * whole-space list again and again, and encoding plus planning it costs more than predicting it.
     */
    static final class PreparedCache {
        /** Shared by predictors built through the public API, so re-adapting does not re-plan the same list. */
        static final PreparedCache SHARED = new PreparedCache();

        private List<?> lastList;
        private int lastSize;
        private HelpEncoder lastEncoder;
        private HelpNetwork lastNetwork;
        private HelpNetwork.Prepared last;

        synchronized HelpNetwork.Prepared prepare(List<? extends Architecture> archs, HelpNetwork network, HelpEncoder encoder) {
            if (archs == lastList && archs.size() == lastSize && encoder.equals(lastEncoder) && network.equals(lastNetwork)) return last;
            HelpNetwork.Prepared p = network.prepare(encoder.encode(archs));
            if (archs.size() >= 1000) { // small lists are cheap to redo and would evict the big one
                lastList = archs;
                lastSize = archs.size();
                lastEncoder = encoder;
                lastNetwork = network;
                last = p;
            }
            return p;
        }
    }
}
