import dev.halo.DataLocation;
import dev.halo.predict.help.HelpData;
import dev.halo.predict.help.HelpEncoder;
import dev.halo.predict.help.HelpMetaTrainer;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.predict.help.HelpTrainingConfig;
import dev.halo.space.Nb201Graph;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes the best model of a halo meta-train checkpoint (or model file) as the compact shipped form: float32
 * tensors, gzip. With a third argument (e.g. 2,4,8,16) it first chooses the adaptation steps on the model's own
 * meta-valid devices, as `halo meta-train --adapt-steps` does at the end of training (for models trained before
 * that option existed).
 * Run: java -cp halo-cli/target/halo-cli.jar models/ExportModel.java IN OUT.json.gz [STEPS,...]
 */
public class ExportModel {
    public static void main(String[] args) {
        HelpModelFile.Stored best = HelpModelFile.load(Path.of(args[0]));
        var model = best.model();
        if (args.length > 2) {
            var p = best.provenance();
            var wiring = p.nb201Wiring().isEmpty() ? Nb201Graph.Wiring.HELP : Nb201Graph.Wiring.valueOf(p.nb201Wiring());
            HelpData data = HelpData.load(DataLocation.require("help/" + p.space()), HelpEncoder.forSpace(p.space(), wiring));
            HelpTrainingConfig config = HelpTrainingConfig.helpDefaults(p.space(), p.seed()).withDevices(p.trainDevices(), p.validDevices());
            int[] grid = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
            HelpMetaTrainer.StepsChoice choice = new HelpMetaTrainer(data, config, 1).chooseInnerSteps(model, grid);
            System.out.println("adaptation steps on the meta-valid devices: " + choice.scores() + "; kept " + choice.model().innerSteps());
            model = choice.model();
        }
        HelpModelFile.save(Path.of(args[1]), model, best.provenance(), HelpModelFile.Precision.FLOAT32);
        System.out.println(best.provenance());
    }
}
