package dev.halo.app.measure;

import dev.halo.app.Listener;
import dev.halo.measure.MeasurementCampaign;
import dev.halo.measure.Outcome;
import java.util.Locale;
import java.util.function.BiFunction;

/** Reports a measurement campaign's arch-rounds to a use case's {@link Listener} and stops the campaign once it is cancelled. */
public final class CampaignProgress implements MeasurementCampaign.Listener {
    private final MeasurementCampaign campaign;
    private final String stage;
    private final Listener listener;
    private final BiFunction<Integer, Outcome, String> detail;
    private int total, done;

    /** Each step's detail names the round and the median ({@code r2 1.234 ms}) or the failure. */
    public CampaignProgress(MeasurementCampaign campaign, String stage, Listener listener) {
        this(campaign, stage, listener, (round, outcome) -> detail(round, outcome, 3));
    }

    /** {@code detail}: a step's detail from its round and outcome (empty: none). */
    public CampaignProgress(MeasurementCampaign campaign, String stage, Listener listener, BiFunction<Integer, Outcome, String> detail) {
        this.campaign = campaign;
        this.stage = stage;
        this.listener = listener;
        this.detail = detail;
    }

    /** {@code r<round> <median> ms} with {@code decimals} decimals, or {@code r<round> failed}. */
    public static String detail(int round, Outcome outcome, int decimals) {
        return switch (outcome) {
            case Outcome.Measured m -> String.format(Locale.ROOT, "r%d %." + decimals + "f ms", round, m.stats().medianMs());
            case Outcome.Failed f -> "r" + round + " failed";
        };
    }

    @Override
    public void started(int total, int alreadyDone) {
        this.total = total;
        this.done = alreadyDone;
        listener.progress(stage, done, total, "");
        if (listener.cancelled()) campaign.requestStop();
    }

    @Override
    public void measured(String canonical, int round, Outcome outcome) {
        listener.progress(stage, ++done, total, detail.apply(round, outcome));
        if (listener.cancelled()) campaign.requestStop();
    }
}
