package dev.halo.predict.help;

import java.util.List;

/**
 * Where a HELP model came from, stored with it.
 *
 * @param source       {@code meta-trained} or {@code HELP checkpoint <path>}
 * @param dataset      the data folder it was trained (or checked) on
 * @param nb201Wiring  NB201 graph wiring the model was trained with ({@code HELP} or {@code CELL_DAG}; empty for flat spaces)
 * @param episodes     episodes run; {@code bestEpisode} the one selected on the meta-valid devices
 */
public record HelpProvenance(String source, String space, List<String> trainDevices, List<String> validDevices, long seed,
                             int episodes, int bestEpisode, double validSpearman, boolean secondOrder, String haloVersion,
                             String dataset, String nb201Wiring, String created) {}
