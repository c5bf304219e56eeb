package dev.halo.predict.help;

import dev.halo.BadInputException;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.ModelLoader;
import dev.halo.space.Nb201Graph;
import dev.halo.space.SearchSpace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Loads HELP models for {@code halo evaluate --model}: halo's JSON model files ({@link HelpModelFile}) and
 * HELP's released {@code .pt} checkpoints (read with the NB201 wiring {@link Nb201Graph.Wiring#HELP}).
 * Listed in {@link dev.halo.predict.registry.ModelLoaders}.
 */
public final class HelpModelLoader implements ModelLoader {
    @Override
    public String describe() {
        return "HELP model (halo JSON model file or HELP .pt checkpoint)";
    }

    @Override
    public boolean accepts(Path file) {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            in.mark(2);
            int b0 = in.read(), b1 = in.read();
            in.reset();
            if (b0 == 'P' && b1 == 'K') return true; // zip-format torch file
            boolean gzip = b0 == 0x1f && b1 == 0x8b; // a model file written as .json.gz
            byte[] head = (gzip ? new java.util.zip.GZIPInputStream(in) : in).readNBytes(4096);
            String text = new String(head, java.nio.charset.StandardCharsets.UTF_8);
            return text.contains("\"" + HelpModelFile.FORMAT + "\"");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public FewShotMethod load(Path file, SearchSpace<?> space) {
        return new HelpFewShotMethod(read(file, space), HelpAdaptation.Options.DEFAULT);
    }

    /** Either kind of file, as a stored model with provenance. */
    public static HelpModelFile.Stored read(Path file, SearchSpace<?> space) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(2);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        }
        if (head.length == 2 && head[0] == 'P' && head[1] == 'K') {
            HelpEncoder encoder = new HelpEncoder(space, Nb201Graph.Wiring.HELP);
            HelpModel model = HelpModelValidation.requireSane(file, "state_dict", HelpModel.fromHelpCheckpoint(file, encoder.network()));
            boolean graph = encoder.network().kind() == HelpNetwork.Kind.GCN;
            return new HelpModelFile.Stored(model, new HelpProvenance("HELP checkpoint " + file, space.name(), List.of(), List.of(), 0, 0, 0,
                    Double.NaN, true, dev.halo.Halo.version(), "", graph ? Nb201Graph.Wiring.HELP.name() : "", Instant.now().toString()));
        }
        HelpModelFile.Stored stored = HelpModelFile.load(file);
        if (!stored.provenance().space().equals(space.name()))
            throw new BadInputException(file + ": field 'provenance.space' is " + stored.provenance().space() + ", the benchmark is " + space.name());
        return stored;
    }
}
