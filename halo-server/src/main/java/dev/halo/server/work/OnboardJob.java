package dev.halo.server.work;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.app.onboard.Onboarding;
import dev.halo.measure.MeasureSettings;
import dev.halo.server.StoreImport;
import dev.halo.server.api.ApiException;
import dev.halo.server.db.Repository;
import dev.halo.server.jobs.Jobs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Onboarding the machine the server runs on, as a job: halo-app's {@link Onboarding} measures into a store of its
 * own under the data folder (so a stopped job loses nothing), then its measurements, the device's fingerprint, the
 * fitted profile with its validation, and the validation archs' predictions go into the database.
 */
public final class OnboardJob {
    /** The request body of {@code POST /api/jobs/onboard}; nulls take the CLI's defaults. */
    public record Request(String name, String space, String predictor, Integer samples, Integer validate, Integer rounds, Long seed,
                          Integer warmupRuns, Integer minRuns, Integer maxRuns, Double maxSecondsPerArch, Integer threads) {}

    private final Repository repo;
    private final Path dataDir;
    private final ObjectMapper json;

    public OnboardJob(Repository repo, Path dataDir, ObjectMapper json) {
        this.repo = repo;
        this.dataDir = dataDir;
        this.json = json;
    }

    /** Checks the request and builds the plan (400 naming the field before anything is queued). */
    public Onboarding.Plan plan(Request r, String jobId) {
        if (r.name() == null) throw ApiException.badInput("name", "name is required (the device's name)");
        String space = r.space() == null ? "nasbench201" : r.space();
        MeasureSettings s = MeasureSettings.defaults();
        if (r.threads() != null) s = s.withThreads(r.threads());
        if (r.warmupRuns() != null || r.minRuns() != null || r.maxRuns() != null)
            s = s.withRuns(r.warmupRuns() == null ? s.warmupRuns() : r.warmupRuns(), r.minRuns() == null ? s.minRuns() : r.minRuns(),
                    r.maxRuns() == null ? s.maxRuns() : r.maxRuns());
        if (r.maxSecondsPerArch() != null)
            s = new MeasureSettings(s.intraOpThreads(), s.batch(), s.optimization(), s.spinning(), s.cuda(), s.warmupRuns(), s.minRuns(), s.maxRuns(),
                    s.targetRelCi(), r.maxSecondsPerArch(), s.timeoutSeconds());
        Path dir = dataDir.resolve("jobs").resolve(jobId);
        // halo-app's plan: the predictor resolved (auto), the model for help, the checks of every number
        return Onboarding.plan(space, r.name(), new Onboarding.Choices(r.predictor() == null ? "auto" : r.predictor(), Onboarding.AUTO_FEATURES, null,
                r.samples() == null ? 10 : r.samples(), r.validate() == null ? 100 : r.validate(), r.rounds() == null ? 2 : r.rounds(),
                r.seed() == null ? 0 : r.seed(), "median", 20, 0.8, store(r.name()), dir), s).plan();
    }

    /**
     * The measurement store of the device's onboardings: one per device name and kept, so that onboarding it again
     * (e.g. after a server was killed mid-job) measures only what is not stored yet.
     */
    Path store(String name) {
        return dataDir.resolve("onboard").resolve(name).resolve(Onboarding.STORE);
    }

    /**
     * After a restart: the measurements an interrupted onboarding had stored in its device's store go into the database
     * (nothing measured is lost; what is there already is skipped). Returns how many rows were added.
     */
    public int recover(Repository.Job job) {
        if (!job.kind().equals("onboard")) return 0;
        String name;
        try {
            name = json.readTree(job.request()).path("name").asText(null);
        } catch (IOException e) {
            return 0;
        }
        if (name == null || !Files.isRegularFile(store(name))) return 0;
        return StoreImport.into(repo, store(name), fp -> name, "onboard job " + job.id() + " (recovered after the server stopped)").stream()
                .mapToInt(StoreImport.Imported::inserted).sum();
    }

    /**
     * The work of an onboarding a stopped server left unfinished, for the restarted one to run again under the same id:
     * what it had measured goes into the database first (whatever becomes of the rerun), and the rerun measures only
     * what its device's store does not hold yet.
     */
    public Jobs.Work resume(Repository.Job job) throws IOException {
        int recovered = recover(job);
        if (recovered > 0)
            System.getLogger("halo.server").log(System.Logger.Level.INFO, "job " + job.id() + ": " + recovered + " measurements recovered from its store");
        Request r = json.readValue(job.request(), Request.class);
        return listener -> run(plan(r, job.id()), listener);
    }

    /** Runs the plan and stores what it produced; the result lists what was stored. */
    public Map<String, Object> run(Onboarding.Plan plan, Jobs.JobListener listener) {
        try {
            Files.createDirectories(plan.out());
            Files.createDirectories(plan.store().toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + plan.out(), e);
        }
        Onboarding onboarding = new Onboarding(plan);
        Onboarding.Result r = onboarding.run(listener);
        Onboarding.Machine fp = r.fingerprint();
        long device = repo.device(plan.name(), fp.id(), fp.json(), fp.label());
        // the job's store holds this machine's rows only; they go in as the named device
        int stored = StoreImport.into(repo, plan.store(), id -> id.equals(fp.id()) ? plan.name() : null, "onboard job " + listener.id()).stream()
                .mapToInt(StoreImport.Imported::inserted).sum();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("device", plan.name());
        out.put("device_id", device);
        out.put("fingerprint", fp.id());
        out.put("measurements_stored", stored);
        out.put("stopped", r.stopped());
        if (r.validation() != null) {
            Onboarding.Validation v = r.validation();
            long profile = storeProfile(repo, json, device, plan, r, "fresh architectures measured after the fit", "onboard job " + listener.id());
            out.put("profile", profile);
            out.put("within10", v.within10());
            out.put("spearman", v.spearman());
            out.put("mape", v.mape());
        }
        return out;
    }

    /**
     * Stores an onboarding's device model as the device's newest profile, with its held-out validation (described as
     * {@code validationKind}) and the validation archs' predictions; the local job and the farm's onboarding both end here.
     */
    public static long storeProfile(Repository repo, ObjectMapper json, long device, Onboarding.Plan plan, Onboarding.Result r,
            String validationKind, String source) {
        Onboarding.Validation v = r.validation();
        String validation = Onboarding.putValidation(json.createObjectNode(), v).put("kind", validationKind).toString();
        List<Repository.NewPrediction> checked = new ArrayList<>();
        for (Onboarding.Checked c : v.archs()) checked.add(new Repository.NewPrediction(c.arch(), c.predictedMs(), c.lowerMs(), c.upperMs()));
        String content;
        try {
            content = Files.readString(r.deviceModel());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + r.deviceModel(), e);
        }
        return repo.addProfile(device, plan.space(), plan.predictor().label(), content, validation, source, checked);
    }
}
