import dev.halo.predict.help.HelpModelFile;
import java.nio.file.Path;

/**
 * Writes the best model of a halo meta-train checkpoint (or model file) as the compact shipped form:
 * float32 tensors, gzip. Run: java -cp halo-cli/target/halo-cli.jar models/ExportModel.java IN OUT.json.gz
 */
public class ExportModel {
    public static void main(String[] args) {
        HelpModelFile.Stored best = HelpModelFile.load(Path.of(args[0]));
        HelpModelFile.save(Path.of(args[1]), best.model(), best.provenance(), HelpModelFile.Precision.FLOAT32);
        System.out.println(best.provenance());
    }
}
