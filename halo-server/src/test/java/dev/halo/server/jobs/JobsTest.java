package dev.halo.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.server.HaloServer;
import dev.halo.server.api.ApiException;
import dev.halo.server.db.Database;
import dev.halo.server.db.Repository;
import dev.halo.server.db.Repository.JobState;
import dev.halo.server.db.TestDatabases;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job runner: states in the database, cancellation through the listener, a bounded queue, failures with their reason. */
class JobsTest {
    @TempDir Path dir;
    Database db;
    Repository repo;
    Jobs jobs;

    @BeforeEach
    void open() {
        db = TestDatabases.open("sqlite", dir);
        repo = new Repository(db);
        jobs = new Jobs(repo, HaloServer.mapper(), 1, java.util.Set.of());
    }

    @AfterEach
    void close() {
        jobs.shutdown(5);
        db.close();
    }

    JobState await(String id) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            JobState s = repo.job(id).orElseThrow().state();
            if (s.finished()) return s;
            Thread.sleep(25);
        }
        return repo.job(id).orElseThrow().state();
    }

    /** Work that reports progress until cancelled (at most 20 s). */
    static Jobs.Work untilCancelled(CountDownLatch started) {
        return l -> {
            started.countDown();
            for (int i = 0; i < 2000; i++) {
                l.progress("spin", i, 2000, "");
                l.checkCancelled();
                Thread.sleep(10);
            }
            return Map.of("cancelled", false);
        };
    }

    @Test
    void aSucceedingJobStoresItsResultAndProgress() throws Exception {
        List<Jobs.Event> events = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        String id = jobs.submit("test", Map.of("x", 1), l -> {
            go.await(10, TimeUnit.SECONDS);
            l.phase("half way");
            l.progress("count", 5, 5, "last");
            return Map.of("answer", 42);
        });
        assertThat(jobs.subscribe(id, events::add)).isNotNull();
        go.countDown();
        assertThat(await(id)).isEqualTo(JobState.succeeded);
        Repository.Job j = repo.job(id).orElseThrow();
        assertThat(j.result()).isEqualTo("{\"answer\":42}");
        assertThat(j.request()).isEqualTo("{\"x\":1}");
        assertThat(j.done()).isEqualTo(5);
        assertThat(j.total()).isEqualTo(5);
        assertThat(j.message()).isEqualTo("half way");
        awaitLastEvent(events, "state");
        assertThat(events).extracting(Jobs.Event::type).contains("phase", "progress").last().isEqualTo("state");
        assertThat(events.get(events.size() - 1).data()).containsEntry("state", "succeeded");
    }

    @Test
    void aLateSubscriberIsReplayedThePhasesAndTheLatestProgress() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch reported = new CountDownLatch(1);
        String id = jobs.submit("test", Map.of(), l -> {
            l.phase("[1/2] first");
            l.progress("count", 1, 3, "");
            l.progress("count", 2, 3, "");
            reported.countDown();
            go.await(10, TimeUnit.SECONDS);
            l.phase("[2/2] second");
            return Map.of();
        });
        assertThat(reported.await(10, TimeUnit.SECONDS)).isTrue();
        List<Jobs.Event> events = new CopyOnWriteArrayList<>();
        jobs.subscribe(id, events::add);
        go.countDown();
        assertThat(await(id)).isEqualTo(JobState.succeeded);
        // the state is stored before its event is published: a poller can see "succeeded" a moment before subscribers do
        awaitLastEvent(events, "state");
        assertThat(events).extracting(e -> e.type() + " " + e.data().getOrDefault("message", e.data().getOrDefault("done", e.data().get("state"))))
                .containsExactly("phase [1/2] first", "progress 2", "phase [2/2] second", "state succeeded");
    }

    @Test
    void cancellingARunningJobStopsItThroughTheListener() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        String id = jobs.submit("test", Map.of(), untilCancelled(started));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(jobs.cancel(id)).isTrue();
        assertThat(await(id)).isEqualTo(JobState.cancelled);
        assertThat(repo.job(id).orElseThrow().done()).isLessThan(2000);
        assertThat(jobs.cancel(id)).as("finished").isFalse();
    }

    @Test
    void theQueueIsBoundedAndAQueuedJobCanBeCancelledBeforeItStarts() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        String running = jobs.submit("test", Map.of(), untilCancelled(started));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        String queued = jobs.submit("test", Map.of(), l -> Map.of("ran", true));
        // capacity 1: a third job is refused, and recorded as failed
        assertThatThrownBy(() -> jobs.submit("test", Map.of(), l -> Map.of())).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(503));
        assertThat(jobs.cancel(queued)).isTrue();
        jobs.cancel(running);
        assertThat(await(running)).isEqualTo(JobState.cancelled);
        assertThat(await(queued)).isEqualTo(JobState.cancelled);
        assertThat(repo.job(queued).orElseThrow().result()).as("it never ran").isNull();
    }

    @Test
    void failuresAreStoredAsOneLine() throws Exception {
        String bad = jobs.submit("test", Map.of(), l -> {
            throw new BadInputException("--samples must be at least 2");
        });
        assertThat(await(bad)).isEqualTo(JobState.failed);
        assertThat(repo.job(bad).orElseThrow().error()).isEqualTo("--samples must be at least 2");
        String crash = jobs.submit("test", Map.of(), l -> {
            throw new IllegalStateException("disk on fire\nsecond line");
        });
        assertThat(await(crash)).isEqualTo(JobState.failed);
        assertThat(repo.job(crash).orElseThrow().error()).isEqualTo("IllegalStateException: disk on fire");
    }

    @Test
    void aNewRunnerResumesWhatAPreviousServerLeftUnfinishedUnlessItWasInterruptedTooOften() throws Exception {
        // a job that servers stopped under (MAX - 1) times, and that is running when the last one stops
        repo.addJob("worn-out", "count", "{\"to\": 1}");
        for (int i = 1; i < Jobs.MAX_INTERRUPTIONS; i++) {
            repo.setJobState("worn-out", JobState.running);
            assertThat(repo.takeOverUnfinishedJobs(Jobs.MAX_INTERRUPTIONS, Jobs.GAVE_UP).get(0).interruptions()).isEqualTo(i);
        }
        repo.setJobState("worn-out", JobState.running);
        repo.addJob("left-running", "count", "{\"to\": 3}");
        repo.setJobState("left-running", JobState.running);
        repo.jobProgress("left-running", "count", 1, 3, "");
        repo.addJob("left-queued", "count", "{\"to\": 5}");
        repo.addJob("unknown-kind", "sculpt", "{}");

        Jobs next = new Jobs(repo, HaloServer.mapper(), 4, java.util.Set.of());
        try {
            Jobs.Resumer count = j -> {
                int to = HaloServer.mapper().readTree(j.request()).get("to").asInt();
                return l -> Map.of("counted", to);
            };
            List<Repository.Job> found = next.resumeUnfinished(Map.of("count", count));
            assertThat(found).extracting(Repository.Job::id).containsExactly("worn-out", "left-running", "left-queued", "unknown-kind");
            assertThat(await("left-running")).isEqualTo(JobState.succeeded);
            assertThat(await("left-queued")).isEqualTo(JobState.succeeded);
            Repository.Job resumed = repo.job("left-running").orElseThrow();
            assertThat(resumed.result()).isEqualTo("{\"counted\":3}");
            assertThat(resumed.interruptions()).isEqualTo(1);
            assertThat(repo.job("left-queued").orElseThrow().result()).isEqualTo("{\"counted\":5}");
            assertThat(repo.job("left-queued").orElseThrow().interruptions()).as("it never ran").isZero();

            Repository.Job wornOut = repo.job("worn-out").orElseThrow();
            assertThat(wornOut.state()).isEqualTo(JobState.failed);
            assertThat(wornOut.error()).isEqualTo(Jobs.GAVE_UP);
            assertThat(wornOut.interruptions()).isEqualTo(Jobs.MAX_INTERRUPTIONS);
            assertThat(repo.job("unknown-kind").orElseThrow().state()).isEqualTo(JobState.failed);
            assertThat(repo.job("unknown-kind").orElseThrow().error()).contains("cannot resume it").contains("kind 'sculpt'");
        } finally {
            next.shutdown(1);
        }
    }

    private static void awaitLastEvent(List<Jobs.Event> events, String type) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && (events.isEmpty() || !events.get(events.size() - 1).type().equals(type))) Thread.sleep(10);
    }
}
