package dev.halo.predict.help;

import java.util.List;

/**
 * Where a HELP model came from, stored with it.
 *
 * @param source       {@code meta-trained} or {@code HELP checkpoint <path>}
 * @param dataset      the data folder it was trained (or checked) on
 * @param nb201Wiring  NB201 graph wiring the model was trained with ({@code HELP} or {@code CELL_DAG}; empty for flat spaces)
 * @param episodes     episodes run; {@code bestEpisode} the one selected on the meta-valid devices
 * @param algorithm    what trained it: {@code help}, {@code maml} or {@code meta-sgd} ({@link HelpVariant#algorithm()});
 *                     files written before the baselines existed have none and are HELP models
 */
public record HelpProvenance(String source, String space, List<String> trainDevices, List<String> validDevices, long seed,
                             int episodes, int bestEpisode, double validSpearman, boolean secondOrder, String haloVersion,
                             String dataset, String nb201Wiring, String created, String algorithm) {

    public HelpProvenance {
        if (algorithm == null) algorithm = HelpVariant.Algorithm.HELP.id();
    }

    /** The provenance of a HELP model. */
    public HelpProvenance(String source, String space, List<String> trainDevices, List<String> validDevices, long seed,
                          int episodes, int bestEpisode, double validSpearman, boolean secondOrder, String haloVersion,
                          String dataset, String nb201Wiring, String created) {
        this(source, space, trainDevices, validDevices, seed, episodes, bestEpisode, validSpearman, secondOrder, haloVersion,
                dataset, nb201Wiring, created, HelpVariant.Algorithm.HELP.id());
    }
}
