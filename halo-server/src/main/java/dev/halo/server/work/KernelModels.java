package dev.halo.server.work;

import dev.halo.BadInputException;
import dev.halo.app.model.PredictModel;
import dev.halo.kernel.GraphLatencyModel;
import dev.halo.server.api.ApiException;
import dev.halo.server.db.Repository;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Devices' kernel latency models (issue 16): {@code PUT /api/devices/{name}/kernel-model} checks an uploaded model
 * file (at most --max-upload-mb: a real one is 1–2 MB) with halo-app's reader ({@link PredictModel#load(java.io.InputStream, String)}) and stores it in the database;
 * {@link #load(List)} gives the models of named devices to predict an uploaded ONNX model with. Parsed models are
 * cached per device and storing time, so a prediction does not parse a megabyte of JSON each time.
 */
public final class KernelModels {
    /** What a store answered: the device, whether it replaced a model, and the stored model's summary. */
    public record Stored(String device, boolean replaced, String describe, String modelDevice, long bytes) {}

    /** A device's model, loaded, with the name it is stored under. */
    public record Loaded(String device, GraphLatencyModel model) {}

    private record Cached(String storedAt, GraphLatencyModel model) {}

    private final Repository repo;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public KernelModels(Repository repo) {
        this.repo = repo;
    }

    /** Checks and stores {@code body} as the kernel model of {@code device} (created if new); 400 naming the field of a bad file. */
    public Stored put(String device, byte[] body) {
        checkName(device, "name");
        if (body.length == 0) throw ApiException.badInput("body", "the request body is empty: send the .kernel-model.json file of halo model onboard or fit");
        GraphLatencyModel m;
        try {
            m = PredictModel.load(new ByteArrayInputStream(body), "kernel model");
        } catch (BadInputException e) {
            // "kernel model: profiled.calibration.scale: ..." -> field profiled.calibration.scale
            throw ApiException.badInput(field(e.getMessage()), e.getMessage());
        }
        String json = new String(body, StandardCharsets.UTF_8);
        boolean replaced = repo.putKernelModel(device, json, m.describe(), m.device());
        cache.remove(device);
        return new Stored(device, replaced, m.describe(), m.device(), body.length);
    }

    /** The models of {@code devices} in their order; 404 naming {@code device} for a device without one. */
    public List<Loaded> load(List<String> devices) {
        List<Loaded> out = new ArrayList<>();
        for (String d : devices) {
            Repository.KernelModel k = repo.kernelModel(d).orElseThrow(() -> ApiException.notFound("device",
                    repo.deviceByName(d).isPresent() ? "device '" + d + "' has no kernel model: PUT one at /api/devices/" + d + "/kernel-model"
                            : "no device called '" + d + "'"));
            Cached c = cache.get(d);
            if (c == null || !c.storedAt().equals(k.storedAt())) {
                c = new Cached(k.storedAt(), PredictModel.load(new ByteArrayInputStream(k.json().getBytes(StandardCharsets.UTF_8)), "kernel model of " + d));
                cache.put(d, c);
            }
            out.add(new Loaded(d, c.model()));
        }
        return out;
    }

    /** The models of every device that has one, in the devices' order; 404 naming {@code device} when none has. */
    public List<Loaded> all() {
        List<String> names = repo.kernelModels().values().stream().map(Repository.KernelModel::device).toList();
        if (names.isEmpty())
            throw ApiException.notFound("device", "no device has a kernel model yet: PUT one at /api/devices/NAME/kernel-model (halo model onboard writes it)");
        return load(names);
    }

    /** A stored model's summary (no JSON) for the device list and the store's answer. */
    public static Map<String, Object> summary(Repository.KernelModel k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("describe", k.describe());
        m.put("modelDevice", k.modelDevice());
        m.put("bytes", k.bytes());
        m.put("storedAt", k.storedAt());
        return m;
    }

    public static void checkName(String device, String field) {
        if (device == null || !device.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"))
            throw ApiException.badInput(field, "device must be 1-64 letters, digits, '.', '_' or '-', got " + (device == null ? "nothing" : "'" + device + "'"));
    }

    /** The JSON field a reader message names ({@code SOURCE: FIELD: why}), or {@code body} when it names none. */
    static String field(String message) {
        String[] parts = message.split(": ", 3);
        if (parts.length < 3) return "body";
        String f = parts[1].strip();
        if (f.startsWith("field ")) f = f.substring(6);
        return f.matches("[A-Za-z][A-Za-z0-9_.\\[\\]]*") ? f : "body";
    }
}
