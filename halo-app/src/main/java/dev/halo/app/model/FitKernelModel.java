package dev.halo.app.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.BadInputException;
import dev.halo.io.SafeOutput;
import dev.halo.measure.DeviceFingerprint;
import dev.halo.kernel.BoostedTrees;
import dev.halo.kernel.KernelCorpus;
import dev.halo.kernel.KernelCostModel;
import dev.halo.kernel.KernelFeatures;
import dev.halo.kernel.KernelModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.TreeSet;

/**
 * Use case: fit a kernel-level latency model on a profiled corpus ({@link ProfileModels}) and write it as JSON. The
 * model's provenance names the corpus's device, its models, families and kernels; its 90 % interval comes from
 * leave-one-family-out errors on the corpus itself.
 */
public final class FitKernelModel {
    private FitKernelModel() {}

    /** @param out where to write the model (null: do not write) */
    public record Request(Path corpus, Path out) {}

    public static KernelCostModel run(Request r) {
        List<KernelCorpus.Model> models = KernelCorpus.read(r.corpus());
        if (models.size() < 10) throw new BadInputException(r.corpus() + ": " + models.size() + " profiled models; a kernel model needs at least 10 (halo model profile)");
        String[] device = device(r.corpus());
        int kernels = models.stream().mapToInt(m -> m.kernels().size()).sum();
        var provenance = new KernelCostModel.Provenance(device[0], device[1], models.size(), kernels,
                List.copyOf(new TreeSet<>(models.stream().map(KernelCorpus.Model::family).toList())), KernelFeatures.VERSION,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        KernelCostModel model = KernelCostModel.fit(models, BoostedTrees.Params.defaults(), provenance, true);
        if (r.out() != null) SafeOutput.writeString(r.out(), "--out", KernelModelFile.toJson(model));
        return model;
    }

    /** The device id and label a corpus was profiled on (from its device.json). */
    static String[] device(Path corpus) {
        Path file = corpus.resolve(ProfileModels.DEVICE_FILE);
        try {
            JsonNode d = new ObjectMapper().readTree(Files.readString(file));
            return new String[] {d.path("id").asText("unknown"), DeviceFingerprint.fromJson(d.path("fingerprint")).label()};
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read the corpus's device (" + e.getMessage() + ")");
        }
    }
}
