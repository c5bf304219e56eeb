package dev.halo.app.onboard;

import dev.halo.BadInputException;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.space.Nb201Space;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The meta-trained models that ship inside the halo jar (the repository's {@code models/} folder, see its README),
 * so a fresh machine can be onboarded with no data folder at all.
 */
public final class ShippedModels {
    private ShippedModels() {}

    /** Spaces with a shipped model, {@code models/help-<space>.json.gz}. */
    private static final Set<String> SPACES = Set.of(Nb201Space.NAME);

    /** The shipped model for {@code space}, or a one-line error naming the spaces that have one. */
    public static Onboarding.Model forSpace(String space) {
        if (!SPACES.contains(space)) throw new BadInputException("no shipped model for space '" + space + "' (have: " + SPACES + "); give --model FILE");
        String file = "help-" + space + ".json.gz";
        String resource = "/models/" + file;
        try (InputStream in = ShippedModels.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("the shipped model " + resource + " is missing from this build of halo");
            return new Onboarding.Model(HelpModelFile.load(in, file), "built-in " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shipped model " + resource, e);
        }
    }

    /** {@code model} if given, else the shipped model of {@code space}. */
    public static Onboarding.Model resolve(Path model, String space) {
        return model == null ? forSpace(space) : new Onboarding.Model(HelpModelFile.load(model), model.toString());
    }
}
