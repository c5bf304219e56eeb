package dev.halo.cli.onboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.app.onboard.Onboarding;
import dev.halo.cli.output.Format;
import dev.halo.cli.output.Table;
import dev.halo.cli.progress.BarListener;
import dev.halo.cli.progress.GracefulStop;
import java.io.PrintWriter;
import java.util.Locale;

/** Runs an onboarding for a command: progress on stderr, Ctrl-C handling, the result on stdout. */
final class OnboardRun {
    private OnboardRun() {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** @return the exit status: 0, or 130 when stopped by a signal (the same command continues) */
    static int execute(Onboarding.Planned planned, boolean json, PrintWriter out, PrintWriter err) {
        Onboarding.Plan plan = planned.plan();
        Onboarding onboarding = new Onboarding(plan);
        // Ctrl-C / SIGTERM: the architecture being timed finishes and is stored, then the JVM may exit
        return GracefulStop.run("halo-onboard-stop", plan.settings().timeoutSeconds() * 2 + 5, onboarding::requestStop, () -> {
            Onboarding.Result r = onboarding.run(new PhaseListener(err));
            if (r.stopped()) {
                err.println("halo: stopped; run the same command again to continue (measurements are kept in " + plan.store() + ")");
                return 130;
            }
            if (json) printJson(planned, r, out);
            else printTable(planned, r, out);
            return 0;
        });
    }

    /** Phase lines and one progress bar per measurement campaign, on stderr. */
    private static final class PhaseListener implements Onboarding.Listener {
        private final PrintWriter err;
        private BarListener bar;

        PhaseListener(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void phase(String message) {
            err.println("halo onboard: " + message);
            err.flush();
        }

        @Override
        public void progress(String stage, long done, long total, String detail) {
            if (bar == null) bar = new BarListener(err);
            bar.progress(stage, done, total, detail);
        }

        @Override
        public void campaignDone() {
            if (bar != null) bar.close();
            bar = null;
        }
    }

    static void printTable(Onboarding.Planned planned, Onboarding.Result r, PrintWriter out) {
        Onboarding.Plan plan = planned.plan();
        Onboarding.Validation v = r.validation();
        Table t = new Table("onboarded", "");
        t.row("device", plan.name() + ": " + r.fingerprint().label() + " (" + r.fingerprint().id() + ")");
        t.row("device model", r.deviceModel() + (plan.predictor() == Onboarding.Predictor.OP_COSTS
                ? " (op-costs: a fixed cost plus a cost per unit of each feature below, fitted to the measurements)" : " (adapted from " + plan.model().source() + ")"));
        if (!planned.why().isEmpty()) t.row("predictor", planned.why());
        if (r.features() != null)
            t.row("features", r.features().name() + ": " + r.features().description() + (r.features().why().isEmpty() ? "" : "; " + r.features().why()));
        t.row("predictions", r.predictions() == null ? "none listed (" + plan.space() + " is too large; the device model predicts any arch)"
                : r.predictions() + " (every " + plan.space() + " arch, " + pct(plan.level()) + " interval"
                + (r.nonPositivePredictions() > 0 ? "; " + r.nonPositivePredictions() + " at or below 0 ms" : "") + ")");
        t.row("level", plan.predictor() == Onboarding.Predictor.HELP
                ? String.format(Locale.ROOT, "calibrated: predictions x %.3f (median held-out ratio measured/predicted on the known archs)", r.level())
                : String.format(Locale.ROOT, "median ratio measured/fitted on the known archs %.3f (fitted in ms, not rescaled)", r.level()));
        t.row(plan.predictor() == Onboarding.Predictor.OP_COSTS ? "fitted on" : "adapted on", r.referenceMs().size() + " reference + " + r.sampleMs().size() + " sample archs, " + plan.statistic()
                + " run, " + plan.rounds() + " rounds");
        t.row("validated on", v.validated() + " fresh archs" + (v.failed() > 0 ? " (" + v.failed() + " failed to measure)" : "")
                + ", measured after the predictor was saved");
        t.row("took", String.format(Locale.ROOT, "%.0f s", r.seconds()));
        t.print(Format.table, out);
        out.println();
        Table m = new Table("validation", "predicted vs measured", "round 2 vs round 1 (this machine's repeatability)");
        m.row("Spearman", f3(v.spearman()), f3(v.stability().spearman()));
        m.row("  95 % interval", ci(v.spearmanCi()), ci(v.stabilityCi()));
        m.row("MAPE", f1(v.mape()) + " %", f1(v.repeatMape()) + " %");
        m.row("within ±10 %", pct(v.within10()), pct(v.repeatWithin10()));
        m.row("median |diff|", "", f1(v.stability().medianAbsDiffPercent()) + " %");
        m.row("in " + pct(plan.level()) + " interval", pct(v.coverage()), "");
        m.print(Format.table, out);
        if (!v.byKind().isEmpty()) {
            StringBuilder b = new StringBuilder("by cell kind (n, Spearman, MAPE, within ±10 %):");
            for (Onboarding.KindScore k : v.byKind())
                b.append(String.format(Locale.ROOT, " %s %d %s %s%% %s;", k.kind().toLowerCase(Locale.ROOT), k.n(), f3(k.spearman()), f1(k.mape()), pct(k.within10())));
            b.setLength(b.length() - 1);
            out.println(b);
        }
        for (Onboarding.FeatureScore f : v.otherFeatures())
            out.printf(Locale.ROOT, "op-costs over %s, fitted to the same measurements: Spearman %s (%s), MAPE %s %%, within ±10 %% %s%n", f.features(),
                    f3(f.spearman()), ci(f.spearmanCi()), f1(f.mape()), pct(f.within10()));
        out.flush();
    }

    static void printJson(Onboarding.Planned planned, Onboarding.Result r, PrintWriter out) {
        Onboarding.Plan plan = planned.plan();
        Onboarding.Validation v = r.validation();
        ObjectNode o = JSON.createObjectNode();
        o.put("name", plan.name());
        o.put("space", plan.space());
        o.put("fingerprint", r.fingerprint().id());
        o.put("device", r.fingerprint().label());
        o.put("predictor", plan.predictor().label());
        if (!planned.why().isEmpty()) o.put("predictor_choice", planned.why());
        if (r.features() != null) o.set("features", Onboarding.featuresJson(r.features()));
        o.put("model", plan.predictor() == Onboarding.Predictor.OP_COSTS ? null : plan.model().source());
        o.put("device_model", r.deviceModel().toString());
        o.put("predictions", r.predictions() == null ? null : r.predictions().toString());
        o.put("level_factor", r.level());
        o.put("level_applied", plan.predictor() == Onboarding.Predictor.HELP);
        o.put("nonpositive_predictions", r.nonPositivePredictions());
        o.put("report", r.report().toString());
        o.put("store", r.store().toString());
        o.put("references", r.referenceMs().size());
        o.put("samples", r.sampleMs().size());
        o.put("rounds", plan.rounds());
        o.put("statistic", plan.statistic().name());
        Onboarding.putValidation(o, v);
        o.put("interval_level", plan.level());
        o.put("seconds", r.seconds());
        try {
            out.println(JSON.writeValueAsString(o));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    private static String f3(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String ci(Onboarding.Interval i) {
        return Double.isNaN(i.low()) ? "n/a" : String.format(Locale.ROOT, "%.3f – %.3f", i.low(), i.high());
    }

    private static String f1(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String pct(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.0f %%", 100 * share);
    }
}
