import dev.halo.cli.onboard.Onboarding;
import dev.halo.eval.Metrics;
import dev.halo.predict.LatencyPredictor.Prediction;
import dev.halo.predict.help.AdaptedHelpPredictor;
import dev.halo.predict.help.HelpAdaptation;
import dev.halo.predict.help.HelpData;
import dev.halo.predict.help.HelpEncoder;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.predict.help.HelpReferenceArchs;
import dev.halo.predict.help.HelpTrainingConfig;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Graph;
import dev.halo.space.Nb201Space;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs halo onboard's protocol (10 references + 10 random samples, 50 fresh random validation archs, same draws)
 * on the benchmark latencies of HELP's NB201 meta-test devices instead of on this machine: what onboarding reaches
 * when measurements are exact. Run from the repository root after building:
 *   java -cp halo-cli/target/halo-cli.jar bench/OnboardProtocolCheck.java MODEL DATA_DIR [SEEDS]
 */
public class OnboardProtocolCheck {
    public static void main(String[] args) {
        HelpModelFile.Stored model = HelpModelFile.load(Path.of(args[0]));
        HelpData data = HelpData.load(Path.of(args[1]), HelpEncoder.forSpace("nasbench201", Nb201Graph.Wiring.HELP));
        int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Nb201Space space = new Nb201Space();
        System.out.println("device         spearman   mape%  within10  coverage80   (mean over " + seeds + " seeds; 10 samples, 50 validation archs)");
        double[] all = new double[4];
        List<String> devices = HelpTrainingConfig.NB201_TEST;
        for (String device : devices) {
            double[] lat = data.latency(device);
            double[] sum = new double[4];
            for (int seed = 0; seed < seeds; seed++) {
                Onboarding.Draw d = Onboarding.draw(space, HelpReferenceArchs.NASBENCH201, 10, 50, seed);
                double[] ref = ms(d.references(), lat, space), sample = ms(d.samples(), lat, space), truth = ms(d.validation(), lat, space);
                AdaptedHelpPredictor p = HelpAdaptation.adapt(model, device, ref, d.samples(), sample, new HelpAdaptation.Options(10, seed));
                Prediction[] pr = p.predictWithInterval(d.validation(), 0.8);
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
            }
            for (int k = 0; k < 4; k++) all[k] += sum[k] / devices.size();
            System.out.printf(Locale.ROOT, "%-14s %8.3f %7.1f %9.2f %11.2f%n", device, sum[0], sum[1], sum[2], sum[3]);
        }
        System.out.printf(Locale.ROOT, "%-14s %8.3f %7.1f %9.2f %11.2f%n", "mean", all[0], all[1], all[2], all[3]);
    }

    private static double[] ms(List<Architecture> archs, double[] lat, Nb201Space space) {
        return archs.stream().mapToDouble(a -> lat[space.index((Nb201Arch) a)]).toArray();
    }
}
