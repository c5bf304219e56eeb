package dev.halo.data;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One device configuration of a latency dataset (HELP calls each a "device", even when two differ only
 * in batch size, e.g. {@code titan_rtx_1} and {@code titan_rtx_256}).
 *
 * @param name the column name in {@code latency.csv}, e.g. {@code titan_rtx_256}
 * @param kind free-text hardware class from {@code devices.csv} ({@code desktop/server GPU}, {@code mobile phone}, ...);
 *     empty when the dataset does not say
 * @param batch the batch size, where known (HELP encodes it as the name's numeric suffix for GPUs)
 * @param helpRole the device's role in HELP's default scripts ({@code meta_train}, {@code meta_valid},
 *     {@code meta_test}, {@code unused_by_default_scripts}); empty when the dataset does not say
 * @param stats summary of its latencies, computed from {@code latency.csv}
 */
public record Device(String name, String kind, OptionalInt batch, String helpRole, LatencyStats stats) {
    public Device {
        Objects.requireNonNull(name);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(batch);
        Objects.requireNonNull(helpRole);
        Objects.requireNonNull(stats);
    }
}
