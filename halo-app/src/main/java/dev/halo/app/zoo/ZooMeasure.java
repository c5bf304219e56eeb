package dev.halo.app.zoo;

import dev.halo.BadInputException;
import dev.halo.io.Limits;
import dev.halo.app.Listener;
import dev.halo.app.measure.CampaignProgress;
import dev.halo.measure.DeviceFingerprint;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.MeasurementCampaign;
import dev.halo.measure.MeasurementStore;
import dev.halo.measure.ZooCampaign;
import dev.halo.onnx.zoo.ModelZoo;
import dev.halo.onnx.zoo.ZooModel;
import java.nio.file.Path;
import java.util.List;

/**
 * Times zoo models on this machine with ONNX Runtime in interleaved rounds into an SQLite store (space
 * {@value ZooCampaign#SPACE}), resumably: a cancelled run continues where it stopped when started again with the same
 * request. The SHA-256 of each exported file is stored with it, so a rerun whose files differ fails those models.
 */
public final class ZooMeasure {
    private ZooMeasure() {}

    /**
     * The models: those of {@code specsFile} (one spec or preset per line, or the CSV of {@link Zoo#sample}), or
     * {@code sample} models of {@code family} drawn with {@code seed}; exactly one of the two.
     *
     * @param out if given, the directory for {@code zoo-<fingerprint>.csv} and {@code .json}
     */
    public record Request(Path specsFile, Integer sample, String family, MeasureSettings settings, int rounds, long seed, Path store, Path out) {
        public Request {
            if ((specsFile == null) == (sample == null)) throw new BadInputException("give exactly one of --specs FILE, --sample N");
            if (rounds < 1) throw new BadInputException("--rounds must be at least 1, got " + rounds);
            Limits.check("--rounds", rounds, 1, Limits.MAX_ROUNDS);
            if (sample != null) Limits.check("--sample", sample, 1, Limits.MAX_ARCHS);
        }
    }

    /**
     * @param minutes how long the timing took
     * @param table the CSV written into {@code out}, or null without {@code out}
     */
    public record Result(DeviceFingerprint fingerprint, MeasurementCampaign.Summary summary, double minutes, Path table) {}

    /** Measures the models, reporting each model-round to {@code listener} (stage {@code zoo}); a cancelled listener stops the campaign. */
    public static Result run(Request r, Listener listener) {
        List<ZooModel> models = r.specsFile() != null
                ? ZooCampaign.readSpecs(r.specsFile()).stream().map(ModelZoo::parse).toList()
                : ModelZoo.sample(r.family(), r.sample(), r.seed());
        MeasureSettings settings = r.settings();
        DeviceFingerprint fingerprint = DeviceFingerprint.current(settings);
        try (MeasurementStore db = MeasurementStore.open(r.store())) {
            long device = db.device(fingerprint);
            MeasurementCampaign campaign = ZooCampaign.campaign(db, device, models, r.rounds(), r.seed(), settings);
            long start = System.nanoTime();
            MeasurementCampaign.Summary summary = campaign.run(
                    new CampaignProgress(campaign, "zoo", listener, (round, outcome) -> CampaignProgress.detail(round, outcome, 2)));
            double minutes = (System.nanoTime() - start) / 6e10;
            Path table = r.out() == null ? null
                    : ZooCampaign.writeTable(r.out(), db, device, fingerprint, settings, r.seed(), r.rounds(), models.stream().map(ZooModel::canonical).toList());
            return new Result(fingerprint, summary, minutes, table);
        }
    }
}
