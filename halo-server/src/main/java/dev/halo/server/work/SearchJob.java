package dev.halo.server.work;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.app.search.SearchRequest;
import dev.halo.app.search.SearchSetup;
import dev.halo.search.Candidate;
import dev.halo.search.LatencyConstraint;
import dev.halo.search.SearchResult;
import dev.halo.server.api.ApiException;
import dev.halo.server.db.Repository;
import dev.halo.server.jobs.Jobs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A latency-constrained search as a job: the devices' stored profiles are the latency models of halo-app's search
 * ({@link SearchSetup}), the accuracy a proxy or the server's accuracy table; the result is the Pareto front with the
 * budget and the chosen architecture. The job's listener gets the search's progress, and cancelling the job stops the
 * search at its next step.
 */
public final class SearchJob {
    /**
     * The request body of {@code POST /api/jobs/search}.
     *
     * @param accuracy    "mflops" or "params" (proxies), or "table" (the server's --accuracy file)
     * @param maxLatencyMs the budget on every device (null: none, just the front)
     */
    public record Request(String space, List<String> devices, Double maxLatencyMs, String accuracy, String metric, String algorithm, Integer budget,
                          Long seed) {}

    /** What the job hands back (and the search page draws). */
    public record Point(String arch, double accuracy, List<Double> predictedMs, boolean feasible, boolean chosen) {}

    public record Result(String space, List<String> devices, Double maxLatencyMs, String accuracy, String algorithm, int evaluations, double seconds,
                         List<Point> front, Point chosen, String note) {}

    /** The checked request with everything resolved (profile files, accuracy table) before the job is queued. */
    public record Prepared(Request request, SearchRequest search, String algorithm) {}

    private static final int MAX_BUDGET = 100_000;

    private final Repository repo;
    private final Profiles profiles;
    private final Path accuracyTable;
    private final ObjectMapper json;

    public SearchJob(Repository repo, Profiles profiles, Path accuracyTable, ObjectMapper json) {
        this.repo = repo;
        this.profiles = profiles;
        this.accuracyTable = accuracyTable;
        this.json = json;
    }

    public Prepared prepare(Request r) {
        String space = r.space() == null ? "nasbench201" : r.space();
        if (r.devices() == null || r.devices().isEmpty()) throw ApiException.badInput("devices", "name at least one device with a profile");
        List<Path> models = new ArrayList<>();
        for (int i = 0; i < r.devices().size(); i++) {
            String name = r.devices().get(i);
            Repository.Device d = repo.deviceByName(name).orElseThrow(() -> ApiException.notFound("devices", "no device called '" + name + "'"));
            Repository.Profile p = profiles.latest(d);
            if (!p.space().equals(space))
                throw ApiException.badInput("devices", "device '" + name + "' has a profile for " + p.space() + ", not " + space);
            models.add(profiles.file(p));
        }
        int budget = r.budget() == null ? 1000 : r.budget();
        if (budget < 1 || budget > MAX_BUDGET) throw ApiException.badInput("budget", "budget must be 1.." + MAX_BUDGET + " evaluations, got " + budget);
        if (r.maxLatencyMs() != null && !(r.maxLatencyMs() > 0 && Double.isFinite(r.maxLatencyMs())))
            throw ApiException.badInput("maxLatencyMs", "maxLatencyMs must be a positive number of milliseconds, got " + r.maxLatencyMs());
        String accuracy = r.accuracy() == null ? "mflops" : r.accuracy();
        Path table = null;
        String proxy = null;
        switch (accuracy) {
            case "mflops", "params" -> proxy = accuracy;
            case "table" -> {
                if (accuracyTable == null) throw ApiException.badInput("accuracy", "this server has no accuracy table (start it with --accuracy FILE); use mflops or params");
                table = accuracyTable;
            }
            default -> throw ApiException.badInput("accuracy", "accuracy must be mflops, params or table, got '" + accuracy + "'");
        }
        String algorithm = r.algorithm() == null ? "nsga2" : r.algorithm().strip().toLowerCase(Locale.ROOT);
        if (!List.of("nsga2", "evolution", "random", "exhaustive").contains(algorithm))
            throw ApiException.badInput("algorithm", "algorithm must be nsga2, evolution, random or exhaustive, got '" + r.algorithm() + "'");
        List<String> budgets = r.maxLatencyMs() == null ? List.of() : List.of(r.maxLatencyMs() + "ms");
        SearchRequest search = new SearchRequest(space, null, models, null, r.devices(), budgets, "auto", "bound:0.9", "samples", "auto", null, null,
                10, null, table, r.metric() == null ? "cifar100" : r.metric(), proxy, budget, r.seed() == null ? 0 : r.seed());
        return new Prepared(r, search, algorithm);
    }

    /** The work of a search a stopped server left unfinished: the same request, checked again (its devices may be gone), run from the start. */
    public Jobs.Work resume(Repository.Job job) throws java.io.IOException {
        Prepared p = prepare(json.readValue(job.request(), Request.class));
        return listener -> run(p, listener);
    }

    public Result run(Prepared p, Jobs.JobListener listener) {
        listener.phase("searching " + p.search().space() + " with " + p.algorithm() + " (" + p.search().budget() + " evaluations)");
        SearchResult<?> r = SearchSetup.run(p.search(), p.algorithm(), listener);
        String chosenArch = r.feasible() ? r.best().arch().canonical() : null;
        List<Point> front = new ArrayList<>();
        Point chosen = null;
        for (Candidate<?> c : r.front()) {
            Point pt = point(c, chosenArch);
            front.add(pt);
            if (pt.chosen()) chosen = pt;
        }
        if (chosenArch != null && chosen == null) chosen = point(r.best(), chosenArch);
        String note = r.constraints().stream().anyMatch(LatencyConstraint::bounded) && !r.feasible() ? r.infeasibleMessage() : null;
        return new Result(p.search().space(), p.search().devices(), p.request().maxLatencyMs(), p.request().accuracy() == null ? "mflops" : p.request().accuracy(),
                r.algorithm(), r.evaluations(), r.seconds(), front, chosen, note);
    }

    private static Point point(Candidate<?> c, String chosenArch) {
        return new Point(c.arch().canonical(), c.accuracy(), List.copyOf(c.predictedMs()), c.feasible(), c.arch().canonical().equals(chosenArch));
    }
}
