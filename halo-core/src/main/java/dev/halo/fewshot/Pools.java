package dev.halo.fewshot;

import dev.halo.BadInputException;

/**
 * HELP's architecture pools: few-shot samples come from rows {@code [0, trainSize)}, scoring from the
 * query rows {@code [trainSize, trainSize + querySize)}; the same rows for every device.
 */
public record Pools(int trainSize, int querySize) {
    /** HELP's query pool size ({@code --num_query}, default 1000). */
    public static final int HELP_QUERY_SIZE = 1000;

    public Pools {
        if (trainSize < 1 || querySize < 1) throw new BadInputException("pool sizes must be positive: train " + trainSize + ", query " + querySize);
    }

    /** HELP's {@code --num_meta_train_sample} per space: 900 for NAS-Bench-201, 4000 for FBNet and OFA. */
    public static Pools helpDefault(String space) {
        return switch (space) {
            case "nasbench201" -> new Pools(900, HELP_QUERY_SIZE);
            case "fbnet", "ofa" -> new Pools(4000, HELP_QUERY_SIZE);
            default -> throw new BadInputException("no built-in HELP pools for space '" + space + "'; known: nasbench201,fbnet,ofa");
        };
    }

    public int queryFrom() {
        return trainSize;
    }

    public int queryTo() {
        return trainSize + querySize;
    }

    /** Fails with one line if a table with {@code archCount} rows cannot hold both pools. */
    public Pools checkFits(int archCount) {
        if (queryTo() > archCount)
            throw new BadInputException("pools need " + queryTo() + " architectures (train " + trainSize + " + query "
                    + querySize + ") but the dataset has " + archCount);
        return this;
    }
}
