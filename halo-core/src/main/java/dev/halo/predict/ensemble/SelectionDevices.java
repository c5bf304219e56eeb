package dev.halo.predict.ensemble;

import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.FewShotTask;
import dev.halo.fewshot.Split;
import dev.halo.predict.FewShotContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The devices a method's global choices (λ_devices, ms or log-ms, device-column source) are scored on, each with
 * the context its method is fitted in: the meta-valid devices in the split's own context and, optionally, every
 * meta-train device held out in turn, in a pseudo-context ({@link #holdingOut}) whose train devices are the other
 * train devices and whose only valid device is the held-out one. Test devices are never among them (the split's
 * context does not hold them).
 *
 * <p>Why held-out train devices: HELP's NB201/FBNet valid devices are GPUs and one Xeon, so choices made on them
 * suit GPUs; the train devices include four phones, which the test devices' phone (pixel2) may resemble.
 */
final class SelectionDevices {
    /**
     * One selection device.
     *
     * @param context what a method may learn from when it is scored on this device (the device itself is not a
     *     train device there)
     * @param tasks its few-shot tasks (seeds 0..4, the context's sample count), drawn once
     * @param heldOutTrain true for a train device held out of its pseudo-context, false for a valid device
     */
    record Device(String name, FewShotContext context, List<FewShotTask> tasks, boolean heldOutTrain) {
        Device {
            tasks = List.copyOf(tasks);
        }
    }

    // One list per context: the pseudo-contexts must be the same objects for a method's nested devices-only choice
    // and its whole-method scores, so that DeviceNet's per-context cache trains each held-out network once.
    private static final Map<FewShotContext, List<Device>> CACHE = new WeakHashMap<>();

    private SelectionDevices() {}

    /**
     * The valid devices, then (with {@code heldOutTrain}, and if there are at least two train devices) the train
     * devices in split order.
     */
    static List<Device> of(FewShotContext context, boolean heldOutTrain) {
        List<Device> devices = new ArrayList<>();
        List<FewShotTask> validTasks = Validation.tasks(context);
        for (String valid : context.split().valid())
            devices.add(new Device(valid, context, validTasks.stream().filter(t -> t.device().equals(valid)).toList(), false));
        if (heldOutTrain && context.split().train().size() > 1) devices.addAll(heldOutTrainDevices(context));
        return List.copyOf(devices);
    }

    private static List<Device> heldOutTrainDevices(FewShotContext context) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(context, c -> {
                List<Device> devices = new ArrayList<>();
                for (String train : c.split().train()) {
                    FewShotContext pseudo = holdingOut(c, train);
                    devices.add(new Device(train, pseudo, Validation.tasks(pseudo), true));
                }
                return List.copyOf(devices);
            });
        }
    }

    /**
     * The pseudo-context in which {@code trainDevice} is a new device: train devices = the context's other train
     * devices (so its column is not a feature and a {@link DeviceNet} trained here never sees it), valid devices =
     * {@code trainDevice} alone, no test device. The valid devices of {@code context} are left out.
     */
    static FewShotContext holdingOut(FewShotContext context, String trainDevice) {
        List<String> train = new ArrayList<>(context.split().train());
        if (!train.remove(trainDevice)) throw new IllegalArgumentException(trainDevice + " is not a train device");
        if (train.isEmpty()) throw new IllegalArgumentException("holding out " + trainDevice + " leaves no train device");
        Benchmark visible = new Benchmark(context.space(), context.archs(), context.table(), context.protocol().pools());
        return new FewShotContext(visible, new Split(train, List.of(trainDevice), List.of()), context.samples());
    }
}
