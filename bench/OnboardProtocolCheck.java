import dev.halo.app.onboard.Onboarding;
import dev.halo.predict.LatencyPredictor.Prediction;
import dev.halo.predict.help.AdaptedHelpPredictor;
import dev.halo.predict.help.HelpAdaptation;
import dev.halo.predict.help.HelpData;
import dev.halo.predict.help.HelpEncoder;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.predict.help.HelpReferenceArchs;
import dev.halo.predict.help.LeaveOneOutInterval;
import dev.halo.predict.help.LevelCalibration;
import dev.halo.predict.help.HelpTrainingConfig;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Graph;
import dev.halo.space.Nb201Space;
import dev.halo.stats.Metrics;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs halo onboard's protocol (10 references + 10 random samples, 100 fresh validation archs stratified by cell kind, same draws)
 * on the benchmark latencies of HELP's NB201 meta-test devices instead of on this machine: what onboarding reaches
 * when measurements are exact. Run from the repository root after building:
 *   java -cp halo-cli/target/halo-cli.jar bench/OnboardProtocolCheck.java MODEL DATA_DIR [SEEDS] [affine|loo|calibrated|raw]
 * With {@code affine}, predictions are mapped through {@code a * p + b} fitted (least squares on relative error) to the
 * 20 archs the adaptation measured (references + samples): an experiment, not what halo onboard does.
 * With {@code calibrated}, the level calibration halo onboard applies since session 6 ({@link LevelCalibration}), with
 * the interval from the calibrated held-out errors as onboarding computes it; {@code loo}: onboarding before session 6
 * (leave-one-out interval, no calibration); {@code raw} (the default): the model's own Monte-Carlo interval, no calibration.
 */
public class OnboardProtocolCheck {
    public static void main(String[] args) {
        HelpModelFile.Stored model = HelpModelFile.load(Path.of(args[0]));
        HelpData data = HelpData.load(Path.of(args[1]), HelpEncoder.forSpace("nasbench201", Nb201Graph.Wiring.HELP));
        int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        boolean affine = args.length > 3 && args[3].equals("affine");
        boolean calibrated = args.length > 3 && args[3].equals("calibrated");
        boolean loo = calibrated || args.length > 3 && args[3].equals("loo");
        Nb201Space space = new Nb201Space();
        System.out.println("device         spearman   mape%  within10  coverage80   level   (mean over " + seeds + " seeds; 10 samples, 100 validation archs"
                + (affine ? "; affine map fitted on references + samples" : calibrated ? "; level calibrated, loo interval" : loo ? "; loo interval" : "") + ")");
        double[] all = new double[5];
        List<String> devices = HelpTrainingConfig.NB201_TEST;
        for (String device : devices) {
            double[] lat = data.latency(device);
            double[] sum = new double[5];
            for (int seed = 0; seed < seeds; seed++) {
                Onboarding.Draw d = Onboarding.draw(space, HelpReferenceArchs.NASBENCH201, 10, 100, seed, false);
                double[] ref = ms(d.references(), lat, space), sample = ms(d.samples(), lat, space), truth = ms(d.validation(), lat, space);
                AdaptedHelpPredictor p = HelpAdaptation.adapt(model, device, ref, d.samples(), sample, new HelpAdaptation.Options(10, seed));
                double[] ab = affine ? affineFit(p.predictMs(concat(d.references(), d.samples())), concat(ref, sample)) : new double[] {1, 0};
                double level = calibrated ? LevelCalibration.factor(p, d.references()) : 1.0;
                Prediction[] pr;
                if (loo) {
                    AdaptedHelpPredictor c = p.withLevelFactor(level);
                    pr = LeaveOneOutInterval.predict(c, d.validation(), LeaveOneOutInterval.factor(c, 0.8));
                } else pr = p.predictWithInterval(d.validation(), 0.8);
                for (int i = 0; i < pr.length; i++)
                    pr[i] = new Prediction(ab[0] * pr[i].ms() + ab[1], ab[0] * pr[i].lowerMs() + ab[1], ab[0] * pr[i].upperMs() + ab[1]);
                double[] mean = new double[pr.length], lo = new double[pr.length], hi = new double[pr.length];
                for (int i = 0; i < pr.length; i++) {
                    mean[i] = pr[i].ms();
                    lo[i] = pr[i].lowerMs();
                    hi[i] = pr[i].upperMs();
                }
                sum[0] += Metrics.spearman(mean, truth) / seeds;
                sum[1] += Metrics.mape(mean, truth) / seeds;
                sum[2] += Metrics.withinTolerance(mean, truth, 0.10) / seeds;
                sum[3] += Metrics.intervalCoverage(lo, hi, truth) / seeds;
                double[] ratio = new double[truth.length];
                for (int i = 0; i < ratio.length; i++) ratio[i] = mean[i] / truth[i];
                java.util.Arrays.sort(ratio);
                sum[4] += ratio[ratio.length / 2] / seeds; // median predicted / measured on the validation archs
            }
            for (int k = 0; k < 5; k++) all[k] += sum[k] / devices.size();
            System.out.printf(Locale.ROOT, "%-14s %8.3f %7.1f %9.2f %11.2f %7.3f%n", device, sum[0], sum[1], sum[2], sum[3], sum[4]);
        }
        System.out.printf(Locale.ROOT, "%-14s %8.3f %7.1f %9.2f %11.2f %7.3f%n", "mean", all[0], all[1], all[2], all[3], all[4]);
    }

    /** {@code (a, b)} minimising the sum of ((a p + b - m) / m)^2. */
    private static double[] affineFit(double[] p, double[] m) {
        double sw = 0, swp = 0, swm = 0, swpp = 0, swpm = 0;
        for (int i = 0; i < p.length; i++) {
            double w = 1 / (m[i] * m[i]);
            sw += w;
            swp += w * p[i];
            swm += w * m[i];
            swpp += w * p[i] * p[i];
            swpm += w * p[i] * m[i];
        }
        double a = (sw * swpm - swp * swm) / (sw * swpp - swp * swp);
        return new double[] {a, (swm - a * swp) / sw};
    }

    private static List<Architecture> concat(List<Architecture> a, List<Architecture> b) {
        List<Architecture> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static double[] concat(double[] a, double[] b) {
        return java.util.stream.DoubleStream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray();
    }

    private static double[] ms(List<Architecture> archs, double[] lat, Nb201Space space) {
        return archs.stream().mapToDouble(a -> lat[space.index((Nb201Arch) a)]).toArray();
    }
}
