package dev.halo.measure;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a latency number depends on besides the architecture: the hardware, the software stack and the settings.
 * Two measurements are comparable only if their fingerprints are equal; {@link #id()} is a stable short hash of it.
 *
 * @param cpuModel {@code model name} from /proc/cpuinfo (or {@code os.arch} where that file does not exist)
 * @param cpuDetail what tells CPUs with the same model name apart: vendor, family, model, stepping, cache size,
 *     bogomips (twice the fixed TSC clock) and a hash of the feature flags, from /proc/cpuinfo; empty where unknown.
 *     Virtual machines often report a generic model name ("Intel(R) Xeon(R) Processor"): two such VMs measured 1.7×
 *     apart on the same NB201 archs (docs/results/own-devices.md, session 10), so the name alone is not a device.
 *     Left out of {@link #toJson()} when empty, so that fingerprints recorded before this field keep their ids.
 * @param logicalCores processors visible to the JVM
 * @param os operating system name, version and architecture
 * @param jvm JVM vendor and version (the timing loop runs in it)
 * @param ortVersion ONNX Runtime version
 * @param provider execution provider, {@code cpu} or {@code cuda}
 * @param threads intra-op threads
 * @param batch batch size
 * @param optimization graph optimisation level
 * @param spinning whether ORT threads spin
 * @param precision tensor precision of the exported networks
 */
public record DeviceFingerprint(
        String cpuModel,
        String cpuDetail,
        int logicalCores,
        String os,
        String jvm,
        String ortVersion,
        String provider,
        int threads,
        int batch,
        String optimization,
        boolean spinning,
        String precision) {

    public DeviceFingerprint {
        cpuDetail = cpuDetail == null ? "" : cpuDetail;
    }

    /** A fingerprint without CPU details (one recorded before they existed, or a made-up device in tests). */
    public DeviceFingerprint(String cpuModel, int logicalCores, String os, String jvm, String ortVersion, String provider,
                             int threads, int batch, String optimization, boolean spinning, String precision) {
        this(cpuModel, "", logicalCores, os, jvm, ortVersion, provider, threads, batch, optimization, spinning, precision);
    }

    /** The fingerprint of this machine under {@code settings}. */
    public static DeviceFingerprint current(MeasureSettings settings) {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        return new DeviceFingerprint(
                cpuModel(cpuinfo),
                cpuDetail(cpuinfo),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.version"),
                OrtEnvironment.getEnvironment().getVersion(),
                settings.cuda() ? "cuda" : "cpu",
                settings.intraOpThreads(),
                settings.batch(),
                settings.optimization().name().toLowerCase(Locale.ROOT),
                settings.spinning(),
                "fp32");
    }

    /** The fingerprint {@link #toJson()} wrote (a field it lacks reads as "?", 0 or false). */
    public static DeviceFingerprint fromJson(com.fasterxml.jackson.databind.JsonNode f) {
        return new DeviceFingerprint(f.path("cpu_model").asText("?"), f.path("cpu_detail").asText(""), f.path("logical_cores").asInt(),
                f.path("os").asText("?"),
                f.path("jvm").asText("?"), f.path("ort_version").asText("?"), f.path("provider").asText("?"), f.path("threads").asInt(),
                f.path("batch").asInt(), f.path("optimization").asText("?"), f.path("spinning").asBoolean(), f.path("precision").asText("?"));
    }

    /** First 16 hex digits of the SHA-256 of {@link #toJson()}: equal fingerprints, equal ids, on any machine. */
    public String id() {
        return sha256Hex(toJson()).substring(0, 16);
    }

    /** A short human label, e.g. {@code Intel Xeon ... x2 / 1t b1 all}. */
    public String label() {
        return cpuModel + " x" + logicalCores + " / " + provider + " " + threads + "t b" + batch + " " + optimization;
    }

    /** Every field as flat JSON, keys in a fixed order (the id hashes this text). */
    public String toJson() {
        List<Object> fields = new ArrayList<>(List.of("cpu_model", cpuModel));
        if (!cpuDetail.isEmpty()) fields.addAll(List.of("cpu_detail", cpuDetail));
        fields.addAll(List.of("logical_cores", logicalCores, "os", os, "jvm", jvm,
                "ort_version", ortVersion, "provider", provider, "threads", threads, "batch", batch,
                "optimization", optimization, "spinning", spinning, "precision", precision));
        return Json.object(fields.toArray());
    }

    /**
     * Vendor, family, model, stepping, cache size and bogomips of the first processor, and the first 8 hex digits of
     * the SHA-256 of its sorted feature flags, e.g. {@code GenuineIntel 6/167/8 cache 107520 KB bogomips 4000.00
     * flags 1f2e3d4c}; empty where /proc/cpuinfo does not exist or has none of these fields. Microcode and the current
     * clock are left out on purpose: they change on the same hardware (updates, frequency scaling).
     */
    static String cpuDetail(Path cpuinfo) {
        Map<String, String> fields = new HashMap<>();
        try {
            for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
                if (line.isBlank() && !fields.isEmpty()) break; // the first processor's block is enough
                int colon = line.indexOf(':');
                if (colon > 0) fields.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        StringBuilder detail = new StringBuilder();
        appendIfPresent(detail, "", fields.get("vendor_id"));
        if (fields.containsKey("cpu family") || fields.containsKey("model") || fields.containsKey("stepping"))
            appendIfPresent(detail, "", fields.getOrDefault("cpu family", "?") + "/" + fields.getOrDefault("model", "?") + "/"
                    + fields.getOrDefault("stepping", "?"));
        appendIfPresent(detail, "cache ", fields.get("cache size"));
        appendIfPresent(detail, "bogomips ", fields.get("bogomips"));
        String flags = fields.getOrDefault("flags", fields.get("Features")); // "Features" on ARM
        if (flags != null && !flags.isBlank()) {
            String sorted = String.join(" ", new TreeSet<>(List.of(flags.trim().split("\\s+"))));
            appendIfPresent(detail, "flags ", sha256Hex(sorted).substring(0, 8));
        }
        return detail.toString();
    }

    private static void appendIfPresent(StringBuilder out, String label, String value) {
        if (value == null || value.isBlank()) return;
        if (!out.isEmpty()) out.append(' ');
        out.append(label).append(value.replaceAll("\\s+", " "));
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static String cpuModel(Path cpuinfo) {
        try {
            List<String> lines = Files.readAllLines(cpuinfo, StandardCharsets.UTF_8);
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals("model name"))
                    return line.substring(colon + 1).trim().replaceAll("\\s+", " ");
            }
        } catch (IOException | RuntimeException e) {
            // no /proc/cpuinfo (macOS, Windows): fall through to the architecture name
        }
        return "unknown " + System.getProperty("os.arch");
    }
}
