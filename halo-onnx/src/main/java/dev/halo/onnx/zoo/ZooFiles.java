package dev.halo.onnx.zoo;

import dev.halo.BadInputException;
import dev.halo.io.Limits;
import dev.halo.io.SafeOutput;
import dev.halo.onnx.OnnxNetwork;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Zoo models as files: the sample table and {@code .onnx} exports with an index. */
public final class ZooFiles {
    private ZooFiles() {}

    public static final String SAMPLE_HEADER = "spec,family,resolution,params,macs";
    public static final String INDEX_HEADER = "file,spec,family,resolution,params,macs,sha256";

    /** One CSV line per model: canonical string, family, resolution, parameters and MACs of its structure. */
    public static List<String> sampleTable(List<ZooModel> models) {
        List<String> lines = new ArrayList<>(List.of(SAMPLE_HEADER));
        for (ZooModel m : models) {
            OnnxNetwork net = m.structure();
            lines.add(String.join(",", m.canonical(), m.family(), Integer.toString(m.resolution()),
                    Long.toString(net.trainableParams()), Long.toString(net.macs())));
        }
        return lines;
    }

    /** An exported file: where it went and what it holds. */
    public record Exported(Path file, ZooModel model, long params, long macs, String sha256) {}

    /**
     * Writes each model as {@code DIR/NAME.onnx} (NAME: the preset name it was given as, else
     * {@code family-<first 12 hex digits of the canonical string's SHA-256>}) with weights from {@code seed}, and
     * {@code DIR/index.csv} listing them. {@code specs} are canonical strings or preset names.
     */
    public static List<Exported> export(List<String> specs, Path dir, int batch, long seed) {
        if (!Files.isDirectory(dir)) throw new BadInputException(dir + ": no such directory");
        if (batch < 1) throw new BadInputException("batch must be at least 1, got " + batch);
        Limits.check("--batch", batch, 1, Limits.MAX_BATCH);
        Map<String, String> presets = ModelZoo.presets();
        List<Exported> out = new ArrayList<>();
        List<String> index = new ArrayList<>(List.of(INDEX_HEADER));
        for (String spec : specs) {
            ZooModel m = ModelZoo.parse(spec);
            String name = presets.containsKey(spec.strip()) ? spec.strip()
                    : m.family() + "-" + sha256(m.canonical().getBytes(StandardCharsets.UTF_8)).substring(0, 12);
            OnnxNetwork net = m.export(batch, seed);
            byte[] bytes = net.bytes();
            Path file = dir.resolve(name + ".onnx");
            write(file, bytes);
            Exported e = new Exported(file, m, net.trainableParams(), net.macs(), sha256(bytes));
            out.add(e);
            index.add(String.join(",", file.getFileName().toString(), m.canonical(), m.family(), Integer.toString(m.resolution()),
                    Long.toString(e.params()), Long.toString(e.macs()), e.sha256()));
        }
        write(dir.resolve("index.csv"), (String.join("\n", index) + "\n").getBytes(StandardCharsets.UTF_8));
        return out;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void write(Path file, byte[] bytes) {
        SafeOutput.write(file, "--out", out -> out.write(bytes));
    }
}
