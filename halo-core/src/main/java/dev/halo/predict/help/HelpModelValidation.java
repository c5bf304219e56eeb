package dev.halo.predict.help;

import dev.halo.BadInputException;
import dev.halo.nn.Params;

/**
 * Refuses a loaded HELP model whose numbers cannot be a trained model: a parameter that is not finite or larger in size
 * than {@value #MAX_ABS_PARAMETER} (HELP's released checkpoints and halo's shipped model stay below 0.6; a corrupted
 * float32 is typically 1e20 or more, and once predicted 8e28 ms), or settings out of range. The message names the tensor
 * and element, so a damaged file is refused at load instead of predicting garbage.
 */
public final class HelpModelValidation {
    public static final double MAX_ABS_PARAMETER = 100;
    public static final int MAX_INNER_STEPS = 1_000;

    private HelpModelValidation() {}

    public static HelpModel requireSane(Object source, String field, HelpModel model) {
        Params all = model.allParameters();
        for (String n : all.names()) {
            double[] d = all.get(n).data();
            for (int i = 0; i < d.length; i++)
                if (!Double.isFinite(d[i]) || Math.abs(d[i]) > MAX_ABS_PARAMETER)
                    throw new BadInputException(source + ": field '" + field + "." + n + "' element " + i + " is " + d[i]
                            + ", not a finite number within ±" + (int) MAX_ABS_PARAMETER + " (corrupted model file?)");
        }
        if (!Double.isFinite(model.zScale()) || model.zScale() < 0 || model.zScale() > MAX_ABS_PARAMETER)
            throw new BadInputException(source + ": field 'network.zScale' is " + model.zScale() + ", expected a finite number in [0, " + (int) MAX_ABS_PARAMETER + "]");
        if (model.innerSteps() < 0 || model.innerSteps() > MAX_INNER_STEPS)
            throw new BadInputException(source + ": field 'network.innerSteps' is " + model.innerSteps() + ", expected 0.." + MAX_INNER_STEPS);
        return model;
    }
}
