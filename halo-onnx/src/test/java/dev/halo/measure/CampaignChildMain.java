package dev.halo.measure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a fake-meter campaign in its own JVM so that a test can kill it with SIGKILL: args STORE ARCHS ROUNDS SLEEP_MS. */
public final class CampaignChildMain {
    public static void main(String[] args) {
        int archs = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        long sleepMs = Long.parseLong(args[3]);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < archs; i++) names.add("arch-" + i);
        try (MeasurementStore store = MeasurementStore.open(Path.of(args[0]))) {
            long device = store.device(MeasurementStoreTest.FINGERPRINT);
            new MeasurementCampaign(store, device, "fake", names, 1, rounds, 7, "{}", new FakeMeter(sleepMs))
                    .run(new MeasurementCampaign.Listener() {});
        }
    }
}
