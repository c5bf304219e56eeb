package dev.halo.app.measure;

import dev.halo.app.Listener;
import dev.halo.measure.MeasurementCampaign;
import dev.halo.measure.Outcome;
import java.util.Locale;

/** Reports a measurement campaign's arch-rounds to a use case's {@link Listener} and stops the campaign once it is cancelled. */
public final class CampaignProgress implements MeasurementCampaign.Listener {
    private final MeasurementCampaign campaign;
    private final String stage;
    private final Listener listener;
    private int total, done;

    public CampaignProgress(MeasurementCampaign campaign, String stage, Listener listener) {
        this.campaign = campaign;
        this.stage = stage;
        this.listener = listener;
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
        listener.progress(stage, ++done, total, switch (outcome) {
            case Outcome.Measured m -> String.format(Locale.ROOT, "r%d %.3f ms", round, m.stats().medianMs());
            case Outcome.Failed f -> "r" + round + " failed";
        });
        if (listener.cancelled()) campaign.requestStop();
    }
}
