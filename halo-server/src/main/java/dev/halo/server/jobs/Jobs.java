package dev.halo.server.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.BadInputException;
import dev.halo.app.Cancelled;
import dev.halo.app.onboard.Onboarding;
import dev.halo.server.api.ApiException;
import dev.halo.server.db.Repository;
import dev.halo.server.db.Repository.JobState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Long use cases (onboarding, search) as jobs: one worker thread, a bounded queue behind it, state and progress in the
 * database (so a poll after a restart still answers), live events for subscribers (server-sent events), cancellation
 * through the use case's {@link dev.halo.app.Listener}. Jobs left queued or running by a server that stopped are run
 * again by the next one ({@link #resumeUnfinished}), up to {@link #MAX_INTERRUPTIONS} stops of the same job.
 */
public final class Jobs implements AutoCloseable {
    /**
     * How many times a job may be interrupted by a server stop before a restarted server gives up on it: a job that
     * brings its server down (out of memory, a crash in native code) must not do so on every start.
     */
    public static final int MAX_INTERRUPTIONS = 3;

    /** What the server stores when it gives up on a job that servers stopped under {@link #MAX_INTERRUPTIONS} times. */
    public static final String GAVE_UP = "the server stopped while this job was running, " + MAX_INTERRUPTIONS
            + " times; it is not resumed again (start it again if the cause is gone)";

    /** A job's body: runs the use case with {@code listener} and returns its result (serialised to JSON). */
    public interface Work {
        Object run(JobListener listener) throws Exception;
    }

    /** How a kind of job is rebuilt from its stored request when a restarted server resumes it. */
    public interface Resumer {
        Work work(Repository.Job job) throws Exception;
    }

    /** One event of a job: {@code progress}, {@code phase} or {@code state} (the last one has a final state). */
    public record Event(String type, Map<String, Object> data) {}

    private final Repository repo;
    private final ObjectMapper json;
    private final ThreadPoolExecutor executor;
    /**
     * Jobs that mostly wait for the farm's agents (an onboarding through the farm waits hours for its measurements) run
     * here, each on a thread of its own (up to {@link #WAITING_THREADS}), so they never hold up the worker's jobs.
     */
    private final ThreadPoolExecutor waiting;
    private final Set<String> waitingKinds;
    private final Map<String, Live> live = new ConcurrentHashMap<>();

    /** How many jobs that wait for the farm may run at once (the others queue behind them). */
    public static final int WAITING_THREADS = 16;

    /** A job this server runs: its cancel flag, subscribers, and what a late subscriber is replayed (phases, the last progress). */
    private static final class Live {
        final AtomicBoolean cancel = new AtomicBoolean();
        /** Set when the server stops under a job that waits for the farm: it stops waiting and is left running, for the next server. */
        final AtomicBoolean serverStopping = new AtomicBoolean();
        /** Whether the job waits for the farm (its kind is one of {@link #waitingKinds}). */
        final boolean waits;

        Live(boolean waits) {
            this.waits = waits;
        }
        final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
        final List<Event> phases = new java.util.ArrayList<>();
        Event lastProgress;
    }

    /** @param waitingKinds the kinds of job that mostly wait for the farm, run beside the worker ({@link #waiting}) */
    public Jobs(Repository repo, ObjectMapper json, int queueCapacity, Set<String> waitingKinds) {
        this.repo = repo;
        this.json = json;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity), r -> {
            Thread t = new Thread(r, "halo-job");
            t.setDaemon(true);
            return t;
        });
        this.waiting = new ThreadPoolExecutor(WAITING_THREADS, WAITING_THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity), r -> {
            Thread t = new Thread(r, "halo-job-waiting");
            t.setDaemon(true);
            return t;
        });
        waiting.allowCoreThreadTimeOut(true);
        this.waitingKinds = Set.copyOf(waitingKinds);
    }

    /**
     * Queues again the jobs a previous server left queued or running, oldest first, with the work {@code kinds} rebuilds
     * from each one's stored request; a job stopped {@link #MAX_INTERRUPTIONS} times, of an unknown kind, whose request
     * no longer holds (e.g. its device is gone) or that does not fit the queue fails with that reason. Returns the jobs
     * found, as they were taken over (state {@code queued} for those resumed).
     */
    public List<Repository.Job> resumeUnfinished(Map<String, Resumer> kinds) {
        List<Repository.Job> left = repo.takeOverUnfinishedJobs(MAX_INTERRUPTIONS, GAVE_UP);
        for (Repository.Job j : left) {
            if (j.state().finished()) continue;
            Resumer resumer = kinds.get(j.kind());
            try {
                if (resumer == null) throw new IllegalStateException("this server cannot run jobs of kind '" + j.kind() + "'");
                enqueue(j.id(), j.kind(), resumer.work(j));
            } catch (Exception e) {
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
                repo.finishJob(j.id(), JobState.failed, "the server stopped while this job was queued or running, and cannot resume it: " + why, null);
            }
        }
        if (!left.isEmpty())
            System.getLogger("halo.server").log(System.Logger.Level.WARNING, left.size() + " unfinished job(s) of a previous run taken over: "
                    + left.stream().filter(j -> !j.state().finished()).count() + " queued again");
        return left;
    }

    /** Queues {@code work}; 503 when the queue is full. */
    public String submit(String kind, Object request, Work work) {
        String id = UUID.randomUUID().toString();
        String requestJson;
        try {
            requestJson = json.writeValueAsString(request);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialise the job request", e);
        }
        repo.addJob(id, kind, requestJson);
        enqueue(id, kind, work);
        return id;
    }

    /** Runs a stored, queued job on the worker once its turn comes; fails it and answers 503 when the queue is full. */
    private void enqueue(String id, String kind, Work work) {
        Live l = new Live(waitingKinds.contains(kind));
        live.put(id, l);
        ThreadPoolExecutor on = l.waits ? waiting : executor;
        try {
            on.execute(() -> run(id, l, work));
        } catch (RejectedExecutionException e) {
            live.remove(id);
            repo.finishJob(id, JobState.failed, "refused: the job queue is full", null);
            throw new ApiException(503, null, "the job queue is full (" + on.getQueue().size() + " waiting); try again later");
        }
    }

    private void run(String id, Live l, Work work) {
        if (l.serverStopping.get()) {
            leaveForTheNextServer(id, l);
            return;
        }
        if (l.cancel.get() || !repo.setJobState(id, JobState.running)) {
            finish(id, l, JobState.cancelled, "cancelled before it started", null);
            return;
        }
        publish(l, new Event("state", Map.of("state", JobState.running.name())));
        JobListener listener = new JobListener(id, l);
        try {
            Object result = work.run(listener);
            listener.flush();
            // a server stop that came as the work ended does not undo it
            if (l.cancel.get() && !l.serverStopping.get()) finish(id, l, JobState.cancelled, "cancelled", json.writeValueAsString(result));
            else finish(id, l, JobState.succeeded, null, json.writeValueAsString(result));
        } catch (Cancelled e) {
            listener.flush();
            if (l.serverStopping.get()) leaveForTheNextServer(id, l);
            else finish(id, l, JobState.cancelled, "cancelled", null);
        } catch (BadInputException | ApiException e) {
            finish(id, l, JobState.failed, e.getMessage(), null);
        } catch (Exception | Error e) {
            String m = e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("");
            finish(id, l, JobState.failed, e.getClass().getSimpleName() + m, null);
        }
    }

    private void finish(String id, Live l, JobState state, String error, String result) {
        try {
            repo.finishJob(id, state, error, result);
        } finally {
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put("state", state.name());
            if (error != null) data.put("error", error);
            publish(l, new Event("state", data));
            live.remove(id);
        }
    }

    /** A job the server stopped under and that the next one resumes ({@link #resumeUnfinished}): its state stays running in the database. */
    private void leaveForTheNextServer(String id, Live l) {
        publish(l, new Event("state", Map.of("state", JobState.running.name(), "error", "the server is stopping; the next one resumes this job")));
        live.remove(id);
    }

    /** Asks a job to stop: a queued one never starts, a running one stops at the use case's next check. False if unknown or finished. */
    public boolean cancel(String id) {
        Live l = live.get(id);
        if (l == null) return false;
        l.cancel.set(true);
        return true;
    }

    /**
     * Calls {@code subscriber} with the phases so far and the latest progress of a job that is still live, then with every
     * later event; returns how to unsubscribe (null if the job is not live).
     */
    public Runnable subscribe(String id, Consumer<Event> subscriber) {
        Live l = live.get(id);
        if (l == null) return null;
        synchronized (l) {
            for (Event e : l.phases) deliver(subscriber, e);
            if (l.lastProgress != null) deliver(subscriber, l.lastProgress);
            l.subscribers.add(subscriber);
        }
        return () -> l.subscribers.remove(subscriber);
    }

    private static void publish(Live l, Event e) {
        synchronized (l) {
            if (e.type().equals("phase") && l.phases.size() < 1000) l.phases.add(e);
            if (e.type().equals("progress")) l.lastProgress = e;
            for (Consumer<Event> s : l.subscribers) deliver(s, e);
        }
    }

    private static void deliver(Consumer<Event> s, Event e) {
        try {
            s.accept(e);
        } catch (RuntimeException ignored) {
            // a subscriber that went away must not stop the job
        }
    }

    /** The listener the use cases get: records progress (throttled) and answers cancellation. */
    public final class JobListener implements Onboarding.Listener {
        private final String id;
        private final Live l;
        private long lastWrite;
        private String stage = "", message = "";
        private long done, total;

        JobListener(String id, Live l) {
            this.id = id;
            this.l = l;
        }

        public String id() {
            return id;
        }

        @Override
        public synchronized void progress(String stage, long done, long total, String detail) {
            this.stage = stage;
            this.done = done;
            this.total = total;
            publish(l, new Event("progress", Map.of("stage", stage, "done", done, "total", total, "detail", detail)));
            long now = System.nanoTime();
            if (now - lastWrite > 250_000_000L || done == total) {
                lastWrite = now;
                repo.jobProgress(id, stage, done, total, message);
            }
        }

        @Override
        public synchronized void phase(String message) {
            this.message = message;
            publish(l, new Event("phase", Map.of("message", message)));
            repo.jobProgress(id, stage, done, total, message);
        }

        @Override
        public boolean cancelled() {
            return l.cancel.get();
        }

        synchronized void flush() {
            repo.jobProgress(id, stage, done, total, message);
        }
    }

    /** Stops taking jobs and asks the running one to stop; waits up to {@code seconds} for it. */
    public void shutdown(double seconds) {
        executor.shutdown();
        waiting.shutdown();
        // a job waiting for the farm is not cancelled by a stop, only interrupted: its tasks stay queued for the agents
        live.values().forEach(l -> {
            if (l.waits) l.serverStopping.set(true);
            l.cancel.set(true);
        });
        try {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            executor.awaitTermination((long) (seconds * 1000), TimeUnit.MILLISECONDS);
            waiting.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(10);
    }
}
