package dev.halo.predict.help;

import dev.halo.BadInputException;

/**
 * Which parts of HELP a model uses. HELP itself conditions the regressor on the hardware embedding, modulates
 * the joint layers with z from the inference network, and learns one inner-loop rate per parameter
 * (Meta-SGD). The HELP paper's baselines switch parts off ({@code help.py} flags {@code hw_embed_on},
 * {@code z_on}, {@code alpha_on}): MAML (no hardware embedding, no z, one fixed inner rate) and Meta-SGD
 * (no hardware embedding, no z, learned rates). Without the hardware embedding a model sees a new device only
 * through its few samples.
 *
 * @param hardwareEmbedding the regressor has the hardware branch ({@code fc_hw1}, {@code fc_hw2}) and reads the embedding
 * @param zModulation       an inference network maps the embedding to z, which modulates fc3..fc5 (needs the embedding)
 * @param learnedInnerRates Meta-SGD's per-parameter rates are meta-trained; otherwise every parameter steps with {@code innerRate}
 * @param innerRate         the fixed inner rate (MAML), or the initial value of the learned rates (HELP, Meta-SGD: 1e-3)
 */
public record HelpVariant(boolean hardwareEmbedding, boolean zModulation, boolean learnedInnerRates, double innerRate) {

    /** HELP's inner rate: MAML's {@code inner_lr} default and the initial value of Meta-SGD's rates. */
    public static final double INNER_RATE = 1e-3;

    public static final HelpVariant HELP = new HelpVariant(true, true, true, INNER_RATE);
    public static final HelpVariant META_SGD = new HelpVariant(false, false, true, INNER_RATE);

    public HelpVariant {
        if (zModulation && !hardwareEmbedding) throw new BadInputException("z modulation needs the hardware embedding");
        if (!(innerRate > 0) || Double.isInfinite(innerRate)) throw new BadInputException("inner learning rate must be a positive number, got " + innerRate);
    }

    /** MAML without hardware embedding: every parameter takes inner steps of {@code innerRate}, which is not trained. */
    public static HelpVariant maml(double innerRate) {
        return new HelpVariant(false, false, false, innerRate);
    }

    /** The meta-training algorithms {@code halo meta-train --algorithm} offers. */
    public enum Algorithm {
        HELP("help"), MAML("maml"), META_SGD("meta-sgd");

        private final String id;

        Algorithm(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** The variant this algorithm trains; {@code innerRate} is MAML's fixed rate or the learned rates' start. */
        public HelpVariant variant(double innerRate) {
            return switch (this) {
                case HELP -> new HelpVariant(true, true, true, innerRate);
                case MAML -> maml(innerRate);
                case META_SGD -> new HelpVariant(false, false, true, innerRate);
            };
        }

        public static Algorithm byId(String id) {
            for (Algorithm a : values()) if (a.id.equals(id)) return a;
            throw new BadInputException("unknown algorithm '" + id + "' (expected help, maml or meta-sgd)");
        }
    }

    /** The named algorithm this variant is, or {@code custom} for a combination none of them uses. */
    public String algorithm() {
        for (Algorithm a : Algorithm.values()) if (a.variant(innerRate).equals(this)) return a.id();
        return "custom";
    }
}
