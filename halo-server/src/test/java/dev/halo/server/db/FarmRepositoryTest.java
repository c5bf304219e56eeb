package dev.halo.server.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.server.db.Repository.Completion;
import dev.halo.server.db.Repository.NewMeasurement;
import dev.halo.server.db.Repository.NewTask;
import dev.halo.server.db.Repository.Offer;
import dev.halo.server.db.Repository.Task;
import dev.halo.server.db.Repository.TaskResult;
import dev.halo.server.db.Repository.TaskState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The farm's queue (enqueue, lease, heartbeat, complete, fail, expire) on SQLite and on a real (embedded) PostgreSQL. */
class FarmRepositoryTest {
    static final List<String> backends = TestDatabases.BACKENDS;
    static final String SETTINGS = "{\"threads\":1}";

    @TempDir Path dir;

    static List<NewTask> tasks(int n) {
        List<NewTask> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new NewTask("nasbench201", "arch-" + i, 1));
        return out;
    }

    static NewMeasurement result(double ms) {
        return new NewMeasurement(null, null, 0, 20, ms * 0.9, ms, ms * 1.1, ms, 0.03, 0.02, 0.01, null, "{\"intra_op_threads\":1}", "2026-01-01T00:00:00Z",
                "2026-01-01T00:00:01Z");
    }

    @ParameterizedTest
    @FieldSource("backends")
    void aTaskIsLeasedCompletedOnceAndARetriedUploadWritesNothing(String backend) {
        try (Database db = TestDatabases.open(backend, dir)) {
            Repository repo = new Repository(db);
            Repository.Agent a = repo.registerAgent("a1", "box", "fp1", "{\"cpu_model\":\"x\"}", "x", null, Offer.ANY);
            Repository.Agent b = repo.registerAgent("b1", "box", "fp1", "{\"cpu_model\":\"x\"}", "x", null, Offer.ANY);
            assertThat(a.deviceId()).isEqualTo(b.deviceId());
            assertThat(repo.enqueue(a.deviceId(), SETTINGS, 1, 1, tasks(3))).isEqualTo(3);
            assertThat(repo.enqueue(a.deviceId(), SETTINGS, 1, 1, tasks(4))).as("the same tasks are not queued twice").isEqualTo(1);

            long now = 1_000_000;
            List<Task> got = repo.lease(a.id(), 2, now, 10_000, 3);
            assertThat(got).hasSize(2).allSatisfy(t -> {
                assertThat(t.state()).isEqualTo(TaskState.leased);
                assertThat(t.leaseOwner()).isEqualTo(a.id());
                assertThat(t.attempts()).isEqualTo(1);
                assertThat(t.leaseDeadline()).isEqualTo(now + 10_000);
            });
            List<Task> other = repo.lease(b.id(), 10, now, 10_000, 3);
            assertThat(other).hasSize(2).extracting(Task::id).doesNotContainAnyElementsOf(got.stream().map(Task::id).toList());

            Task t = got.get(0);
            // b does not hold a's task: refused, nothing written
            assertThat(repo.complete(new TaskResult(t.id(), b.id(), other.get(0).leaseToken(), "farm", result(2.0)))).isEqualTo(Completion.notHeld);
            assertThat(repo.countMeasurements()).isZero();
            assertThat(repo.heartbeat(t.id(), a.id(), "not-the-token", now, 10_000)).isFalse();
            assertThat(repo.heartbeat(t.id(), a.id(), t.leaseToken(), now + 5_000, 10_000)).isTrue();
            assertThat(repo.task(t.id()).orElseThrow().leaseDeadline()).isEqualTo(now + 15_000);

            assertThat(repo.complete(new TaskResult(t.id(), a.id(), t.leaseToken(), "farm agent a1", result(2.0)))).isEqualTo(Completion.stored);
            assertThat(repo.complete(new TaskResult(t.id(), a.id(), t.leaseToken(), "farm agent a1", result(2.0)))).isEqualTo(Completion.already);
            assertThat(repo.complete(new TaskResult(424242, a.id(), t.leaseToken(), "farm agent a1", result(2.0)))).isEqualTo(Completion.unknown);
            assertThat(repo.countMeasurements()).isEqualTo(1);
            Repository.Measurement m = repo.measurements(a.deviceId(), null, 10).get(0);
            assertThat(m.arch()).isEqualTo(t.arch());
            assertThat(m.round()).isEqualTo(1);
            assertThat(m.medianMs()).isEqualTo(2.0);
            assertThat(m.source()).isEqualTo("farm agent a1");
            assertThat(repo.task(t.id()).orElseThrow().state()).isEqualTo(TaskState.done);
            assertThat(repo.taskCounts()).containsEntry(TaskState.done, 1L).containsEntry(TaskState.leased, 3L).containsEntry(TaskState.queued, 0L);
        }
    }

    @ParameterizedTest
    @FieldSource("backends")
    void anExpiredLeaseReturnsTheTaskAndAFailingTaskIsParkedAfterNAttempts(String backend) {
        try (Database db = TestDatabases.open(backend, dir)) {
            Repository repo = new Repository(db);
            Repository.Agent a = repo.registerAgent("a1", "box", null, null, null, null, Offer.ANY);
            repo.enqueue(a.deviceId(), SETTINGS, 1, 1, tasks(2));
            long now = 5_000_000;
            Task first = repo.lease(a.id(), 1, now, 1_000, 2).get(0);
            // past the deadline: the next lease returns it to the queue first, then hands it out with a new token
            Task again = repo.lease(a.id(), 1, now + 2_000, 1_000, 2).get(0);
            assertThat(again.id()).isEqualTo(first.id());
            assertThat(again.attempts()).isEqualTo(2);
            assertThat(again.leaseToken()).isNotEqualTo(first.leaseToken());
            // the old holder comes back late: its result and heartbeat are refused
            assertThat(repo.complete(new TaskResult(first.id(), a.id(), first.leaseToken(), "late", result(1.0)))).isEqualTo(Completion.notHeld);
            assertThat(repo.heartbeat(first.id(), a.id(), first.leaseToken(), now + 2_000, 1_000)).isFalse();
            // two leases so far (maxAttempts 2): a reported failure parks it with its reason
            assertThat(repo.fail(again.id(), a.id(), again.leaseToken(), "session failed: bad op", 2)).contains(TaskState.parked);
            Task parked = repo.task(again.id()).orElseThrow();
            assertThat(parked.state()).isEqualTo(TaskState.parked);
            assertThat(parked.lastError()).isEqualTo("session failed: bad op");
            assertThat(repo.fail(again.id(), a.id(), again.leaseToken(), "twice", 2)).isEqualTo(Optional.empty());

            Task second = repo.lease(a.id(), 1, now + 3_000, 1_000, 2).get(0);
            assertThat(second.id()).isNotEqualTo(first.id());
            assertThat(repo.fail(second.id(), a.id(), second.leaseToken(), "transient", 2)).contains(TaskState.queued);
            assertThat(repo.expireLeases(now + 10_000, 2)).isZero();
            Task third = repo.lease(a.id(), 1, now + 4_000, 1_000, 2).get(0);
            assertThat(third.id()).isEqualTo(second.id());
            assertThat(repo.expireLeases(now + 10_000, 2)).isEqualTo(1);
            assertThat(repo.task(third.id()).orElseThrow().state()).as("its second lease expired: parked").isEqualTo(TaskState.parked);
            assertThat(repo.task(third.id()).orElseThrow().lastError()).contains("lease expired");
            assertThat(repo.lease(a.id(), 5, now + 20_000, 1_000, 2)).isEmpty();
            assertThat(repo.countMeasurements()).isZero();
        }
    }

    @ParameterizedTest
    @FieldSource("backends")
    void concurrentLeasesNeverHandOutATaskTwice(String backend) throws Exception {
        try (Database db = TestDatabases.open(backend, dir)) {
            Repository repo = new Repository(db);
            List<Repository.Agent> agents = new ArrayList<>();
            for (int i = 0; i < 6; i++) agents.add(repo.registerAgent("a" + i, "box", null, null, null, null, Offer.ANY));
            int n = 120;
            repo.enqueue(agents.get(0).deviceId(), SETTINGS, 1, 1, tasks(n));
            ExecutorService pool = Executors.newFixedThreadPool(agents.size());
            try {
                List<Future<List<Long>>> futures = new ArrayList<>();
                for (Repository.Agent a : agents)
                    futures.add(pool.submit(() -> {
                        List<Long> mine = new ArrayList<>();
                        for (int round = 0; round < 200; round++) {
                            List<Task> got = repo.lease(a.id(), 3, 0, 60_000, 3);
                            if (got.isEmpty()) break;
                            for (Task t : got) {
                                assertThat(repo.complete(new TaskResult(t.id(), a.id(), t.leaseToken(), "farm " + a.name(), result(1.0 + t.id())))).isEqualTo(Completion.stored);
                                mine.add(t.id());
                            }
                        }
                        return mine;
                    }));
                Set<Long> all = new HashSet<>();
                int total = 0;
                for (Future<List<Long>> f : futures) {
                    List<Long> mine = f.get(120, TimeUnit.SECONDS);
                    total += mine.size();
                    all.addAll(mine);
                }
                assertThat(total).isEqualTo(n);
                assertThat(all).hasSize(n);
            } finally {
                pool.shutdownNow();
            }
            assertThat(repo.countMeasurements()).isEqualTo(n);
            assertThat(repo.taskCounts()).containsEntry(TaskState.done, (long) n);
        }
    }

    @ParameterizedTest
    @FieldSource("backends")
    void anAgentIsLeasedOnlyTasksWhoseThreadsAndBatchItOffers(String backend) {
        try (Database db = TestDatabases.open(backend, dir)) {
            Repository repo = new Repository(db);
            Repository.Agent one = repo.registerAgent("one-thread", "box", null, null, null, "hash-1", new Offer(List.of(1), List.of(1), false));
            Repository.Agent wide = repo.registerAgent("two-or-four", "box", null, null, null, "hash-2", new Offer(List.of(2, 4), null, false));
            Repository.Agent any = repo.registerAgent("any", "box", null, null, null, "hash-3", Offer.ANY);
            repo.enqueue(one.deviceId(), "{\"threads\":4,\"batch\":8}", 4, 8, List.of(new NewTask("nasbench201", "t4b8", 1)));
            repo.enqueue(one.deviceId(), "{\"threads\":2,\"batch\":1}", 2, 1, List.of(new NewTask("nasbench201", "t2b1", 1)));
            repo.enqueue(one.deviceId(), "{\"threads\":1,\"batch\":1}", 1, 1, List.of(new NewTask("nasbench201", "t1b1", 1)));
            repo.enqueue(one.deviceId(), "{\"threads\":3,\"batch\":1}", 3, 1, List.of(new NewTask("nasbench201", "t3b1", 1)));

            assertThat(repo.lease(one.id(), 10, 0, 60_000, 3)).extracting(Task::arch).containsExactly("t1b1");
            assertThat(repo.lease(wide.id(), 10, 0, 60_000, 3)).extracting(Task::arch).containsExactly("t4b8", "t2b1");
            assertThat(repo.lease(one.id(), 10, 0, 60_000, 3)).as("nothing else offered to it").isEmpty();
            assertThat(repo.lease(any.id(), 10, 0, 60_000, 3)).extracting(Task::arch).containsExactly("t3b1");
            assertThat(repo.agentByTokenHash("hash-2")).map(Repository.Agent::offer).contains(new Offer(List.of(2, 4), null, false));
            assertThat(repo.agentByTokenHash("hash-9")).isEmpty();
        }
    }

    @ParameterizedTest
    @FieldSource("backends")
    void anotherAgentCannotUseALeaseTokenAndABatchOfResultsIsStoredAllOrNothing(String backend) {
        try (Database db = TestDatabases.open(backend, dir)) {
            Repository repo = new Repository(db);
            Repository.Agent a = repo.registerAgent("a", "box", null, null, null, "ha", Offer.ANY);
            Repository.Agent b = repo.registerAgent("b", "box", null, null, null, "hb", Offer.ANY);
            repo.enqueue(a.deviceId(), SETTINGS, 1, 1, tasks(3));
            List<Task> mine = repo.lease(a.id(), 3, 0, 60_000, 3);
            Task t0 = mine.get(0), t1 = mine.get(1), t2 = mine.get(2);
            // b knows a's lease token (leaked): it still may not act on a's task
            assertThat(repo.heartbeat(t0.id(), b.id(), t0.leaseToken(), 1_000, 60_000)).isFalse();
            assertThat(repo.fail(t0.id(), b.id(), t0.leaseToken(), "sabotage", 3)).isEmpty();
            assertThat(repo.complete(new TaskResult(t0.id(), b.id(), t0.leaseToken(), "b", result(1.0)))).isEqualTo(Completion.otherAgent);

            // one bad entry (a wrong token for t2) refuses the whole batch: nothing written
            List<Completion> refused = repo.completeAll(List.of(new TaskResult(t0.id(), a.id(), t0.leaseToken(), "a", result(1.0)),
                    new TaskResult(t1.id(), a.id(), t1.leaseToken(), "a", result(2.0)), new TaskResult(t2.id(), a.id(), "wrong", "a", result(3.0))));
            assertThat(refused).containsExactly(Completion.stored, Completion.stored, Completion.notHeld);
            assertThat(repo.countMeasurements()).isZero();
            assertThat(repo.taskCounts()).containsEntry(TaskState.leased, 3L);

            List<TaskResult> all = List.of(new TaskResult(t0.id(), a.id(), t0.leaseToken(), "a", result(1.0)),
                    new TaskResult(t1.id(), a.id(), t1.leaseToken(), "a", result(2.0)), new TaskResult(t2.id(), a.id(), t2.leaseToken(), "a", result(3.0)));
            assertThat(repo.completeAll(all)).containsOnly(Completion.stored);
            assertThat(repo.completeAll(all)).as("the same batch again: stored before").containsOnly(Completion.already);
            assertThat(repo.countMeasurements()).isEqualTo(3);
            assertThat(repo.taskCounts()).containsEntry(TaskState.done, 3L);
        }
    }

    @ParameterizedTest
    @FieldSource("backends")
    void aModelFileIsStoredOnceAndItsTasksGoOnlyToAgentsThatOfferModels(String backend) {
        try (Database db = TestDatabases.open(backend, dir)) {
            Repository repo = new Repository(db);
            String sha = "ab".repeat(32);
            byte[] bytes = {8, 7, 0, 1, (byte) 0xff};
            assertThat(repo.storeModel(sha, new java.io.ByteArrayInputStream(bytes), bytes.length)).as("new").isTrue();
            assertThat(repo.storeModel(sha, new java.io.ByteArrayInputStream(bytes), bytes.length)).as("stored once: the second upload writes nothing").isFalse();
            assertThat(repo.model(sha)).hasValueSatisfying(b -> assertThat(b).containsExactly(bytes));
            assertThat(repo.model("cd".repeat(32))).isEmpty();

            Repository.Agent archsOnly = repo.registerAgent("torch", "box", null, null, null, "h-torch", Offer.ANY);
            Repository.Agent models = repo.registerAgent("java", "box", null, null, null, "h-java", new Offer(null, List.of(1), true));
            assertThat(repo.agentByTokenHash("h-java")).map(Repository.Agent::offer).contains(new Offer(null, List.of(1), true));
            String identity = "sha256:" + sha + ";x=1x3x32x32";
            assertThat(repo.enqueue(models.deviceId(), SETTINGS, 1, 1, sha, "{\"x\":\"1x3x32x32\"}",
                    List.of(new NewTask("onnx-model", identity, 1), new NewTask("onnx-model", identity, 2)))).isEqualTo(2);
            repo.enqueue(models.deviceId(), SETTINGS, 1, 1, List.of(new NewTask("nasbench201", "an-arch", 1)));

            assertThat(repo.lease(archsOnly.id(), 10, 0, 60_000, 3)).as("an agent that does not offer models gets the architecture only")
                    .extracting(Task::arch).containsExactly("an-arch");
            List<Task> got = repo.lease(models.id(), 10, 0, 60_000, 3);
            assertThat(got).hasSize(2).allSatisfy(t -> {
                assertThat(t.modelSha256()).isEqualTo(sha);
                assertThat(t.modelInputs()).isEqualTo("{\"x\":\"1x3x32x32\"}");
                assertThat(t.space()).isEqualTo("onnx-model");
            });
            TaskResult r = new TaskResult(got.get(0).id(), models.id(), got.get(0).leaseToken(), "java", result(4.0));
            assertThat(repo.complete(r)).isEqualTo(Completion.stored);
            assertThat(repo.complete(r)).as("uploaded twice: stored once").isEqualTo(Completion.already);
            assertThat(repo.countMeasurements()).isEqualTo(1);
        }
    }
}
