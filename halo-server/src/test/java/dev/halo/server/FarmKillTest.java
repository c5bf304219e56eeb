package dev.halo.server;

import static dev.halo.server.TestServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.server.db.Database;
import dev.halo.server.farm.FarmAgent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.halo.server.db.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agent processes (fake measurements) drain 500 tasks from one server (SQLite, then PostgreSQL); one agent is killed with SIGKILL while it
 * holds a task, and the server is stopped and started again mid-run. Every task ends done exactly once, with exactly
 * one measurement row, checked in the database.
 */
@Timeout(240)
class FarmKillTest {
    static final int TASKS = 500;
    static final List<String> backends = TestDatabases.BACKENDS;
    @TempDir Path dir;

    @ParameterizedTest
    @FieldSource("backends")
    void everyTaskEndsExactlyOnceThroughAnAgentKillAndAServerRestart(String backend) throws Exception {
        ServerConfig config = ServerConfig.local(dir, TOKEN).withFarm(2_000, 5).withDb(TestDatabases.url(backend, dir));
        List<Process> agents = new ArrayList<>();
        TestServer t = new TestServer(config);
        try (Database db = Database.open(config.db())) {
            int port = t.server.port();
            FarmApiTest.enqueue(t, "farm", FarmApiTest.archs(TASKS, 37), null);
            // the victim "measures" 5 s per task: killed right after it leases one, it dies holding it
            agents.add(agent(t.url(), "victim", 5000));
            agents.add(agent(t.url(), "fast-1", 20));
            agents.add(agent(t.url(), "fast-2", 20));

            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long victimTask = -1;
            while (System.nanoTime() < end && victimTask < 0) {
                victimTask = heldBy(db, "victim");
                if (victimTask < 0) Thread.sleep(20);
            }
            assertThat(victimTask).as("the victim leased a task").isPositive();
            agents.get(0).destroyForcibly(); // SIGKILL
            assertThat(agents.get(0).waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(state(db, victimTask)).as("the killed agent's task is still leased to it").isEqualTo("leased");

            while (System.nanoTime() < end && count(db, "done") < TASKS / 2) Thread.sleep(50);
            long doneAtRestart = count(db, "done");
            assertThat(doneAtRestart).isLessThan(TASKS);
            t.close();
            Thread.sleep(500);
            t = new TestServer(config.withPort(port));

            while (System.nanoTime() < end && count(db, "done") < TASKS) Thread.sleep(100);
            for (Process p : agents.subList(1, 3)) assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("agents stop when idle").isTrue();

            assertThat(count(db, "done")).isEqualTo(TASKS);
            assertThat(count(db, "queued") + count(db, "leased") + count(db, "parked")).isZero();
            assertThat(scalar(db, "SELECT COUNT(*) FROM measurements")).as("one row per task").isEqualTo(TASKS);
            assertThat(scalar(db, "SELECT COUNT(*) FROM (SELECT DISTINCT device_id, model_id, round FROM measurements) x")).isEqualTo(TASKS);
            assertThat(scalar(db, """
                    SELECT COUNT(*) FROM tasks t WHERE NOT EXISTS (SELECT 1 FROM measurements m JOIN models a ON a.id = m.model_id
                      WHERE m.device_id = t.device_id AND a.name = t.arch AND m.round = t.round)""")).as("no result lost").isZero();
            // each row names the task it completed: every task exactly once
            Map<Long, String> byTask = new HashMap<>();
            Set<Long> dup = new HashSet<>();
            Pattern p = Pattern.compile("farm task (\\d+) by agent (\\S+)");
            try (Connection c = db.dataSource().getConnection(); PreparedStatement q = c.prepareStatement("SELECT source FROM measurements");
                    ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Matcher m = p.matcher(rs.getString(1));
                    assertThat(m.find()).as(rs.getString(1)).isTrue();
                    if (byTask.put(Long.parseLong(m.group(1)), m.group(2)) != null) dup.add(Long.parseLong(m.group(1)));
                }
            }
            assertThat(dup).isEmpty();
            assertThat(byTask).hasSize(TASKS);
            assertThat(byTask.get(victimTask)).as("the victim's task came back and another agent did it").isIn("fast-1", "fast-2");
            assertThat(byTask.values()).doesNotContain("victim");
            long retried = scalar(db, "SELECT COUNT(*) FROM tasks WHERE attempts > 1");
            System.out.printf("FarmKillTest (" + backend + "): %d tasks done once each, %d measurement rows; fast-1 %d, fast-2 %d; victim's task %d re-leased; "
                            + "%d tasks leased more than once; %d done before the server restart%n", count(db, "done"), TASKS,
                    byTask.values().stream().filter("fast-1"::equals).count(), byTask.values().stream().filter("fast-2"::equals).count(), victimTask,
                    retried, doneAtRestart);
            assertThat(retried).isPositive();
        } finally {
            for (Process p : agents) p.destroyForcibly();
            t.close();
        }
    }

    static Process agent(String url, String name, double fakeMs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                FarmAgent.class.getName(), "--server", url, "--token", TOKEN, "--name", name, "--device", "farm", "--fake", String.valueOf(fakeMs),
                "--idle-exit", "6", "--retry", "60"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The task the agent called {@code name} holds now, or -1. */
    static long heldBy(Database db, String name) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT t.id FROM tasks t JOIN agents a ON a.id = t.lease_owner WHERE a.name = ? AND t.state = 'leased'")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    static String state(Database db, long task) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement q = c.prepareStatement("SELECT state FROM tasks WHERE id = ?")) {
            q.setLong(1, task);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    static long count(Database db, String state) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM tasks WHERE state = ?")) {
            q.setString(1, state);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static long scalar(Database db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement q = c.prepareStatement(sql); ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
