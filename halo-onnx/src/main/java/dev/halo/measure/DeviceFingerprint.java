package dev.halo.measure;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What a latency number depends on besides the architecture: the hardware, the software stack and the settings.
 * Two measurements are comparable only if their fingerprints are equal; {@link #id()} is a stable short hash of it.
 *
 * @param cpuModel {@code model name} from /proc/cpuinfo (or {@code os.arch} where that file does not exist)
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

    /** The fingerprint of this machine under {@code settings}. */
    public static DeviceFingerprint current(MeasureSettings settings) {
        return new DeviceFingerprint(
                cpuModel(Path.of("/proc/cpuinfo")),
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
        return new DeviceFingerprint(f.path("cpu_model").asText("?"), f.path("logical_cores").asInt(), f.path("os").asText("?"),
                f.path("jvm").asText("?"), f.path("ort_version").asText("?"), f.path("provider").asText("?"), f.path("threads").asInt(),
                f.path("batch").asInt(), f.path("optimization").asText("?"), f.path("spinning").asBoolean(), f.path("precision").asText("?"));
    }

    /** First 16 hex digits of the SHA-256 of {@link #toJson()}: equal fingerprints, equal ids, on any machine. */
    public String id() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(toJson().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A short human label, e.g. {@code Intel Xeon ... x2 / 1t b1 all}. */
    public String label() {
        return cpuModel + " x" + logicalCores + " / " + provider + " " + threads + "t b" + batch + " " + optimization;
    }

    /** Every field as flat JSON, keys in a fixed order (the id hashes this text). */
    public String toJson() {
        return Json.object("cpu_model", cpuModel, "logical_cores", logicalCores, "os", os, "jvm", jvm,
                "ort_version", ortVersion, "provider", provider, "threads", threads, "batch", batch,
                "optimization", optimization, "spinning", spinning, "precision", precision);
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
