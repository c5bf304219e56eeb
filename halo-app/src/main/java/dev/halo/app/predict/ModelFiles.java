package dev.halo.app.predict;

import dev.halo.BadInputException;
import dev.halo.DataLocation;
import dev.halo.predict.additive.CostModelFile;
import dev.halo.predict.help.HelpAdaptation;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.predict.help.HelpModelLoader;
import dev.halo.space.SearchSpace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@code --model} file is, told from its content rather than its name, and where the default model
 * of a space lives.
 */
public final class ModelFiles {
    private ModelFiles() {}

    /** The kinds of model file halo reads. */
    public enum Kind {
        /** HELP's released {@code torch.save} checkpoint (a zip). */
        HELP_CHECKPOINT,
        /** A meta-trained halo model ({@code halo meta-train}). */
        HALO_MODEL,
        /** A model adapted to one device ({@code halo adapt}). */
        ADAPTED,
        /** op-costs fitted to one device ({@code halo adapt --method op-costs}). */
        OP_COSTS
    }

    private static final Pattern FORMAT = Pattern.compile("\"format\"\\s*:\\s*\"([^\"]*)\"");

    public static Kind kind(Path file) {
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": model file does not exist");
        byte[] head;
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            in.mark(2);
            boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
            in.reset();
            // a gzip-compressed halo model (the shipped models are): look at the start of the JSON inside
            head = (gzip ? new java.util.zip.GZIPInputStream(in) : in).readNBytes(4096);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read the model file (" + e.getMessage() + ")");
        }
        if (head.length >= 2 && head[0] == 'P' && head[1] == 'K') return Kind.HELP_CHECKPOINT;
        Matcher m = FORMAT.matcher(new String(head, StandardCharsets.UTF_8));
        if (m.find()) {
            if (m.group(1).equals(HelpModelFile.FORMAT)) return Kind.HALO_MODEL;
            if (m.group(1).equals(HelpAdaptation.FORMAT)) return Kind.ADAPTED;
            if (m.group(1).equals(CostModelFile.FORMAT)) return Kind.OP_COSTS;
            throw new BadInputException(file + ": field 'format' is '" + m.group(1) + "', not a halo model ('" + HelpModelFile.FORMAT
                    + "', '" + HelpAdaptation.FORMAT + "' or '" + CostModelFile.FORMAT + "')");
        }
        throw new BadInputException(file + ": not a model file (neither a halo JSON model with a 'format' field nor a HELP .pt checkpoint)");
    }

    /** A meta-trained model or HELP checkpoint for {@code space}; anything else is bad input. */
    public static HelpModelFile.Stored loadBase(Path file, SearchSpace<?> space) {
        Kind kind = kind(file);
        return switch (kind) {
            case ADAPTED, OP_COSTS -> throw new BadInputException(file + ": is already adapted to a device (from 'halo adapt'); give the meta-trained model"
                    + " or HELP's checkpoint instead");
            case HALO_MODEL -> {
                HelpModelFile.Stored stored = HelpModelFile.load(file);
                if (!stored.provenance().space().equals(space.name()))
                    throw new BadInputException(file + ": the model is for space " + stored.provenance().space() + ", the samples are " + space.name() + " architectures");
                yield stored;
            }
            case HELP_CHECKPOINT -> {
                try {
                    yield HelpModelLoader.read(file, space);
                } catch (BadInputException e) {
                    throw new BadInputException(file + ": not a HELP checkpoint for " + space.name() + " (" + e.getMessage().replace(file + ": ", "") + ")");
                }
            }
        };
    }

    /**
     * The model {@code halo adapt} uses without {@code --model}: a shipped {@code models/help-<space>.json} or
     * {@code .json.gz} in the halo installation ({@code HALO_HOME}, set by the launcher) when there is one (NB201
     * ships one, see models/README.md), else HELP's released checkpoint in the shared data.
     */
    public static Path defaultModel(String space) {
        String home = System.getenv("HALO_HOME");
        if (home != null && !home.isBlank()) {
            for (String name : new String[] {"help-" + space + ".json", "help-" + space + ".json.gz"}) {
                Path shipped = Path.of(home, "models", name);
                if (Files.isRegularFile(shipped)) return shipped;
            }
        }
        Optional<Path> data = DataLocation.find();
        Path checkpoint = data.map(d -> d.resolve("help").resolve(space).resolve("checkpoint").resolve("help_max_corr.pt")).orElse(null);
        if (checkpoint != null && Files.isRegularFile(checkpoint)) return checkpoint;
        throw new BadInputException("no --model given and no default model for " + space + ": no models/help-" + space
                + ".json in HALO_HOME and no HELP checkpoint in the shared data (" + (data.isPresent() ? data.get() : DataLocation.describeMissing()) + ")");
    }
}
