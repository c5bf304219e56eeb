package dev.halo.server.farm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.BadInputException;
import dev.halo.app.Cancelled;
import dev.halo.app.onboard.Onboarding;
import dev.halo.measure.LatencyStats;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.MeasurementStore;
import dev.halo.measure.Outcome;
import dev.halo.server.api.ApiException;
import dev.halo.server.db.Repository;
import dev.halo.server.db.Repository.Task;
import dev.halo.server.db.Repository.TaskState;
import dev.halo.server.jobs.Jobs;
import dev.halo.server.work.OnboardJob;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Arch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Onboarding a device through the farm ({@code POST /api/farm/onboard}): the plan of {@code halo onboard} (halo-app's
 * {@link Onboarding}: reference archs, samples, validation archs, rounds, settings) measured by the device's agents,
 * then halo-app's fit and validation over the stored rows, stored as the device's profile. As a job that mostly waits:
 * <ol>
 *   <li>where the plan's feature choice needs it ({@link Onboarding#kernelCheckArchs}), a kernel-check task: an agent
 *       checks ONNX Runtime's optimised graph on the device, as local onboarding checks it on its own machine;</li>
 *   <li>the draw's archs x rounds queued as tasks for the device (what is queued or done already is not queued again);</li>
 *   <li>waiting until every one is done (progress as they complete); a parked task fails the job with its reason;</li>
 *   <li>{@link Onboarding#fitMeasured} on the device's rows, its device model and validation stored as
 *       {@code POST /api/devices/{id}/profile} and a local onboarding job store theirs.</li>
 * </ol>
 * Its state is the database's (the job's request, the tasks, the rows), so a restarted server runs it again and it
 * picks up where the agents are.
 */
public final class FarmOnboarding {
    /** The job kind. */
    public static final String KIND = "farm-onboard";

    /** The request body; nulls take {@code halo onboard}'s defaults (predictor and features {@code auto}). */
    public record Request(String device, String space, String predictor, String features, Integer samples, Integer validate, Integer rounds, Long seed,
                          Integer threads, Integer batch, Integer warmupRuns, Integer minRuns, Integer maxRuns, Double maxSecondsPerArch) {
        FarmSettings settings() {
            return new FarmSettings(threads, batch, warmupRuns, minRuns, maxRuns, maxSecondsPerArch).filled();
        }
    }

    /** A task of the onboarding parked after its attempts: the job fails with its reason. */
    static final class ParkedTask extends RuntimeException {
        ParkedTask(String message) {
            super(message);
        }
    }

    private static final Pattern FLAG = Pattern.compile("^--([a-z-]+)");

    private final Repository repo;
    private final Farm farm;
    private final Path dataDir;
    private final ObjectMapper json;
    private final long pollMs;

    /** @param pollMs how often the waiting job looks at its tasks */
    public FarmOnboarding(Repository repo, Farm farm, Path dataDir, ObjectMapper json, long pollMs) {
        this.repo = repo;
        this.farm = farm;
        this.dataDir = dataDir;
        this.json = json;
        this.pollMs = pollMs;
    }

    /** Checks the request and builds halo-app's plan: 400 naming the field, 404 naming {@code device} when no agent registered it. */
    public Onboarding.Plan plan(Request r, String jobId) {
        if (r.device() == null) throw ApiException.badInput("device", "device is required (the name its agents registered with)");
        if (repo.deviceByName(r.device()).isEmpty())
            throw ApiException.notFound("device", "no device called '" + r.device() + "': register an agent for it first (POST /api/agents, halo agent)");
        MeasureSettings settings;
        try {
            settings = r.settings().toMeasureSettings();
        } catch (BadInputException e) {
            throw ApiException.badInput(field(e.getMessage(), "threads"), e.getMessage());
        }
        try {
            return Onboarding.plan(r.space() == null ? "nasbench201" : r.space(), r.device(), new Onboarding.Choices(
                    r.predictor() == null ? "auto" : r.predictor(), r.features() == null ? Onboarding.AUTO_FEATURES : r.features(), null,
                    r.samples() == null ? 10 : r.samples(), r.validate() == null ? 100 : r.validate(), r.rounds() == null ? 2 : r.rounds(),
                    r.seed() == null ? 0 : r.seed(), "median", 20, 0.8, Path.of("the server's database (farm tasks)"),
                    dataDir.resolve("jobs").resolve(jobId)), settings).plan();
        } catch (BadInputException e) {
            // halo-app names the CLI's flags; the request names its fields
            throw ApiException.badInput(field(e.getMessage(), "space"), e.getMessage().replace("--name", "device"));
        }
    }

    /** The request field a halo-app message is about: its leading {@code --flag} in camel case ({@code --name} is the device). */
    private static String field(String message, String otherwise) {
        Matcher m = FLAG.matcher(message);
        if (!m.find()) return otherwise;
        String flag = m.group(1);
        if (flag.equals("name")) return "device";
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : flag.toCharArray()) {
            if (c == '-') up = true;
            else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    /** The work of a job stored with {@code request}: what {@code POST /api/farm/onboard} queued, and what a restarted server resumes. */
    public Jobs.Work work(Request request) {
        return listener -> run(plan(request, listener.id()), request.settings(), listener);
    }

    /** Rebuilds the work of a job a stopped server left unfinished from its stored request. */
    public Jobs.Work resume(Repository.Job job) throws IOException {
        return work(json.readValue(job.request(), Request.class));
    }

    private Map<String, Object> run(Onboarding.Plan plan, FarmSettings settings, Jobs.JobListener listener) throws InterruptedException {
        Repository.Device device = repo.deviceByName(plan.name()).orElseThrow();
        Onboarding onboarding = new Onboarding(plan);
        Onboarding.KernelCheck check = kernelCheck(plan, device, settings, listener);
        Onboarding.Draw draw = onboarding.drawWith(check, listener);
        List<String> archs = new ArrayList<>();
        for (List<Architecture> l : List.of(draw.references(), draw.samples(), draw.validation())) for (Architecture a : l) archs.add(a.canonical());
        Map<String, Object> queued = farm.enqueue(new Farm.MeasureRequest(device.name(), plan.space(), archs, null, null, plan.rounds(), settings));
        listener.phase(String.format(Locale.ROOT, "[1/4] %d reference + %d sample + %d validation archs x %d rounds queued for %s's agents (%s new)",
                draw.references().size(), draw.samples().size(), draw.validation().size(), plan.rounds(), device.name(), queued.get("queued")));
        Set<String> keys = new HashSet<>();
        for (String a : archs) for (int k = 1; k <= plan.rounds(); k++) keys.add(key(a, k));
        await(device.id(), plan.space(), keys, "measure", listener);

        List<MeasurementStore.Row> rows = new ArrayList<>();
        for (Repository.Measurement m : repo.measurements(device.id(), plan.space(), Integer.MAX_VALUE)) rows.add(row(m));
        Onboarding.Machine machine = new Onboarding.Machine(device.fingerprintId(), device.label(), device.fingerprint());
        Onboarding.Result r = onboarding.fitMeasured(check, machine, rows, listener);
        return store(plan, device, r, listener.id());
    }

    /**
     * The kernel check of the plan, run by an agent of the device (a task of its own, queued once per device) when the
     * plan needs one; otherwise a check that is never consulted.
     */
    private Onboarding.KernelCheck kernelCheck(Onboarding.Plan plan, Repository.Device device, FarmSettings settings, Jobs.JobListener listener)
            throws InterruptedException {
        List<Nb201Arch> checked = Onboarding.kernelCheckArchs(plan);
        if (checked.isEmpty()) return (space, archs) -> Optional.empty();
        List<String> archs = checked.stream().map(Nb201Arch::canonical).toList();
        farm.enqueueKernelCheck(device.name(), archs, settings);
        listener.phase("[0/4] an agent of " + device.name() + " checks ONNX Runtime's optimised graph of " + archs.size()
                + " archs against the kernel model (--features auto)");
        String arch = String.join(",", archs);
        Task done = await(device.id(), Repository.KERNEL_CHECK_SPACE, Set.of(key(arch, 1)), "kernel check", listener).get(0);
        String mismatch;
        try {
            mismatch = json.readValue(done.result(), Farm.KernelCheck.class).mismatch();
        } catch (IOException e) {
            throw new UncheckedIOException("task " + done.id() + " has an unreadable kernel check result", e);
        }
        // the agent checked exactly these archs: its answer stands for the check local onboarding runs on its own machine
        return (space, asked) -> Optional.ofNullable(mismatch);
    }

    private static String key(String arch, int round) {
        return round + " " + arch;
    }

    /**
     * Waits until every task of the device in {@code space} with one of {@code keys} is done, reporting progress; a
     * parked one fails the job with its reason, a cancelled job stops waiting (its tasks stay queued). Returns the tasks.
     */
    private List<Task> await(long deviceId, String space, Set<String> keys, String stage, Jobs.JobListener listener) throws InterruptedException {
        long lastDone = -1;
        while (true) {
            if (listener.cancelled()) throw new Cancelled();
            List<Task> mine = repo.tasks(deviceId, space).stream().filter(t -> keys.contains(key(t.arch(), t.round()))).toList();
            long done = mine.stream().filter(t -> t.state() == TaskState.done).count();
            for (Task t : mine)
                if (t.state() == TaskState.parked)
                    throw new ParkedTask("task " + t.id() + " (" + t.space() + " round " + t.round() + ") was parked after " + t.attempts() + " attempts: "
                            + t.lastError());
            if (done != lastDone) {
                listener.progress(stage, done, keys.size(), done + " of " + keys.size() + " tasks done by the agents");
                lastDone = done;
            }
            if (done == keys.size()) return mine;
            Thread.sleep(pollMs);
        }
    }

    /** A stored measurement as a measurement store's row: the latency statistics the fit reads, or its failure. */
    private static MeasurementStore.Row row(Repository.Measurement m) {
        Outcome outcome = m.medianMs() == null ? new Outcome.Failed(m.failure() == null ? "no latency" : m.failure())
                : new Outcome.Measured(new LatencyStats(m.runs() == null ? 1 : m.runs(), orNaN(m.minMs()), m.medianMs(), orNaN(m.p90Ms()), orNaN(m.meanMs()),
                        orNaN(m.cv()), orNaN(m.robustCv()), orNaN(m.medianRelCi())));
        return new MeasurementStore.Row(m.arch(), m.round(), outcome, m.measuredAt());
    }

    private static double orNaN(Double v) {
        return v == null ? Double.NaN : v;
    }

    /** The profile with its validation and the validation archs' predictions, stored as a local onboarding job stores them. */
    private Map<String, Object> store(Onboarding.Plan plan, Repository.Device device, Onboarding.Result r, String jobId) {
        Onboarding.Validation v = r.validation();
        long profile = OnboardJob.storeProfile(repo, json, device.id(), plan, r,
                "fresh architectures measured by the farm's agents, never seen by the fit", "farm onboard job " + jobId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("device", device.name());
        out.put("device_id", device.id());
        out.put("profile", profile);
        out.put("predictor", plan.predictor().label());
        out.put("features", r.features() == null ? null : r.features().name());
        out.put("features_choice", r.features() == null ? null : r.features().why());
        out.put("validated", v.validated());
        out.put("within10", v.within10());
        out.put("spearman", v.spearman());
        out.put("mape", v.mape());
        out.put("stability_spearman", v.stability().spearman());
        return out;
    }
}
