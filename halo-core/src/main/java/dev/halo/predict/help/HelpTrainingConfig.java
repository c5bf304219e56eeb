package dev.halo.predict.help;

import java.util.List;

/**
 * Meta-training settings; the defaults are HELP's ({@code parser.py} and {@code script/run_meta_training_*.sh}).
 *
 * @param episodes        meta-updates (HELP: 2000 for NB201, 4000 for FBNet)
 * @param tasksPerEpisode devices per meta-batch ({@code num_inner_tasks}, 8)
 * @param shots           support archs per task ({@code num_samples}, 10)
 * @param queryShots      query archs per meta-training task (200)
 * @param metaLr          Adam learning rate of the outer loop (1e-4)
 * @param klWeight        weight of KL(q(z) || N(0, I)) per task ({@code kl_scaling}, 0.1)
 * @param secondOrder     differentiate through the inner loop's gradients (HELP: true)
 * @param validEvery      episodes between validations on the meta-valid devices (HELP: 50)
 * @param validTasks      fixed few-shot tasks per meta-valid device used for model selection
 */
public record HelpTrainingConfig(String space, List<String> trainDevices, List<String> validDevices, int episodes, int tasksPerEpisode,
                                 int shots, int queryShots, double metaLr, double klWeight, boolean secondOrder, int validEvery,
                                 int validTasks, long seed) {

    public static final List<String> NB201_TRAIN = List.of("1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "silver_4210r", "samsung_a50", "pixel3", "essential_ph_1", "samsung_s7");
    public static final List<String> NB201_VALID = List.of("titanx_1", "titanx_32", "titanx_256", "gold_6240");
    public static final List<String> NB201_TEST = List.of("titan_rtx_256", "gold_6226", "fpga", "pixel2", "raspi4", "eyeriss");
    public static final List<String> FBNET_TRAIN = List.of("1080ti_1", "1080ti_32", "1080ti_64", "silver_4114", "silver_4210r", "samsung_a50", "pixel3", "essential_ph_1", "samsung_s7");
    public static final List<String> FBNET_VALID = List.of("titanx_1", "titanx_32", "titanx_64", "gold_6240");
    public static final List<String> FBNET_TEST = List.of("fpga", "raspi4", "eyeriss");

    public static HelpTrainingConfig helpDefaults(String space, long seed) {
        boolean fb = space.equals("fbnet");
        return new HelpTrainingConfig(space, fb ? FBNET_TRAIN : NB201_TRAIN, fb ? FBNET_VALID : NB201_VALID, fb ? 4000 : 2000,
                8, 10, 200, 1e-4, 0.1, true, 50, 3, seed);
    }

    public static List<String> helpTestDevices(String space) {
        return space.equals("fbnet") ? FBNET_TEST : NB201_TEST;
    }

    public HelpTrainingConfig withEpisodes(int n) {
        return new HelpTrainingConfig(space, trainDevices, validDevices, n, tasksPerEpisode, shots, queryShots, metaLr, klWeight, secondOrder, validEvery, validTasks, seed);
    }

    public HelpTrainingConfig withSecondOrder(boolean on) {
        return new HelpTrainingConfig(space, trainDevices, validDevices, episodes, tasksPerEpisode, shots, queryShots, metaLr, klWeight, on, validEvery, validTasks, seed);
    }

    public HelpTrainingConfig withValidEvery(int n) {
        return new HelpTrainingConfig(space, trainDevices, validDevices, episodes, tasksPerEpisode, shots, queryShots, metaLr, klWeight, secondOrder, n, validTasks, seed);
    }

    public HelpTrainingConfig withMetaLr(double lr) {
        return new HelpTrainingConfig(space, trainDevices, validDevices, episodes, tasksPerEpisode, shots, queryShots, lr, klWeight, secondOrder, validEvery, validTasks, seed);
    }

    public HelpTrainingConfig withKlWeight(double w) {
        return new HelpTrainingConfig(space, trainDevices, validDevices, episodes, tasksPerEpisode, shots, queryShots, metaLr, w, secondOrder, validEvery, validTasks, seed);
    }

    public HelpTrainingConfig withDevices(List<String> train, List<String> valid) {
        return new HelpTrainingConfig(space, train, valid, episodes, tasksPerEpisode, shots, queryShots, metaLr, klWeight, secondOrder, validEvery, validTasks, seed);
    }
}
