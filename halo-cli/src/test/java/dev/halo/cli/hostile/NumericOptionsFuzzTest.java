package dev.halo.cli.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.cli.CliRun;
import dev.halo.cli.HaloCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every numeric option of every command, given a hostile value (negative, zero-crossing extremes, overflow, NaN,
 * infinities, 1e308, text): the exit code is 0 or 2, stderr has no stack trace, and each run ends quickly — which
 * holds only if out-of-range counts are refused before any work or allocation (halo's Limits).
 *
 * <p>The commands are discovered from picocli's model, so a numeric option added later is fuzzed too. Required
 * options get harmless fillers (a missing file for paths), so a value that passes validation fails fast on the file.
 */
class NumericOptionsFuzzTest {
    private static final Set<Class<?>> INTS = Set.of(int.class, Integer.class, long.class, Long.class);
    private static final Set<Class<?>> DOUBLES = Set.of(double.class, Double.class, float.class, Float.class);
    private static final List<String> HOSTILE_INTS = List.of("-2147483648", "-1", "2147483647", "2147483648", "99999999999999999999", "abc", "", "1e3", "-0x10");
    private static final List<String> HOSTILE_DOUBLES = List.of("NaN", "Infinity", "-Infinity", "-1", "1e308", "-1e308", "4.9e-324", "abc", "", "0x1p3");
    /** Seeds accept any long: only values that cannot parse are hostile for them. */
    private static final List<String> HOSTILE_SEEDS = List.of("abc", "", "99999999999999999999", "1.5");
    /** A path that can be neither read nor created: its parent is a regular file (made once per run). */
    private static final Path MISSING = blockedPath();

    private static Path blockedPath() {
        try {
            Path file = java.nio.file.Files.createTempFile("halo-fuzz", ".file");
            file.toFile().deleteOnExit();
            return file.resolve("none");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One case: a command path, a numeric option of it, a hostile value. */
    record Case(List<String> command, String option, String value, List<String> filler) {
        String[] args() {
            List<String> a = new ArrayList<>(command);
            a.addAll(filler);
            a.add(option);
            a.add(value);
            return a.toArray(String[]::new);
        }
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        collect(HaloCommand.newCommandLine(), new ArrayList<>(), out);
        return out;
    }

    private static void collect(CommandLine cl, List<String> path, List<Case> out) {
        CommandSpec spec = cl.getCommandSpec();
        if (!path.isEmpty()) {
            List<String> filler = filler(spec);
            for (OptionSpec o : spec.options()) {
                Class<?> t = o.type();
                if (o.isMultiValue() && !o.auxiliaryTypes()[0].equals(t)) t = o.auxiliaryTypes()[0];
                List<String> values;
                if (o.longestName().equals("--seed")) values = HOSTILE_SEEDS;
                else if (INTS.contains(t)) values = HOSTILE_INTS;
                else if (DOUBLES.contains(t)) values = HOSTILE_DOUBLES;
                else continue;
                for (String v : values) out.add(new Case(List.copyOf(path), o.longestName(), v, filler));
            }
        }
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help") || !e.getValue().getCommandName().equals(e.getKey())) continue;
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            collect(e.getValue(), p, out);
        }
    }

    /** Required options and parameters with harmless values: known names where needed, a missing file for paths. */
    private static List<String> filler(CommandSpec spec) {
        List<String> f = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            // an optional store, output or database goes to a path that cannot exist, so a run that gets past validation
            // stops there (a server, too, before it binds a port)
            if (!o.required() && List.of("--store", "--out", "--data", "--db").contains(o.longestName())) {
                f.add(o.longestName());
                f.add(MISSING.toString());
            }
            if (!o.required()) continue;
            f.add(o.longestName());
            f.add(fillerValue(o.longestName(), o.type()));
        }
        for (var g : spec.argGroups()) {
            if (g.multiplicity().min() == 0) continue;
            OptionSpec first = g.options().getFirst(); // e.g. --archs FILE of an --archs|--sample|--all group
            f.add(first.longestName());
            if (first.arity().max() > 0) f.add(fillerValue(first.longestName(), first.type()));
        }
        for (var p : spec.positionalParameters())
            if (p.required()) f.add(MISSING.toString());
        return f;
    }

    private static String fillerValue(String option, Class<?> type) {
        return switch (option) {
            case "--space" -> "nasbench201";
            case "--device", "--name" -> "fuzz";
            case "--method" -> "flops";
            default -> Path.class.equals(type) || type.isArray() || java.util.List.class.isAssignableFrom(type) ? MISSING.toString() : "1";
        };
    }

    @Provide
    Arbitrary<Case> hostile() {
        return Arbitraries.of(cases());
    }

    private static long slowestMs;

    @BeforeContainer
    static void reset() {
        slowestMs = 0;
    }

    @AfterContainer
    static void report() {
        System.out.println("NumericOptionsFuzzTest: " + cases().size() + " (command, option, value) cases; slowest run " + slowestMs + " ms");
    }

    @Property(tries = 60, seed = "15")
    void hostileNumbersAreRefusedInOneLineOrAccepted(@ForAll("hostile") Case c) {
        long start = System.nanoTime();
        CliRun r = CliRun.of(c.args());
        long ms = (System.nanoTime() - start) / 1_000_000;
        slowestMs = Math.max(slowestMs, ms);
        String what = String.join(" ", c.args());
        assertThat(r.exit()).as(what + "\n" + r.err()).isIn(0, 2);
        assertThat(r.err()).as(what).doesNotContain("\tat ").doesNotContain("Exception in thread").doesNotContain("Caused by");
        if (r.exit() == 2) { // the reason is one line, the last one (progress lines may come before it)
            List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
            String last = lines.getLast().startsWith("Try '") ? lines.get(lines.size() - 2) : lines.getLast();
            assertThat(last).as(what).startsWith("halo: ");
        }
        assertThat(Duration.ofMillis(ms)).as(what + " took too long: a hostile count must be refused up front").isLessThan(Duration.ofSeconds(10));
    }

    /** Every case once, deterministically, so no option/value pair is left to chance. */
    @net.jqwik.api.Example
    void everyCaseOnce() {
        List<Case> all = cases();
        assertThat(all.size()).as("numeric options discovered").isGreaterThan(100);
        for (Case c : all) hostileNumbersAreRefusedInOneLineOrAccepted(c);
    }
}
