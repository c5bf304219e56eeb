package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceFingerprintTest {
    @TempDir Path dir;

    private static final String XEON_VM = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            cpu family\t: 6
            model\t\t: 167
            model name\t: Intel(R) Xeon(R) Processor
            stepping\t: 8
            microcode\t: 0x1
            cpu MHz\t\t: 2000.000
            cache size\t: 107520 KB
            flags\t\t: fpu vme avx2 avx512f
            bogomips\t: 4000.00

            processor\t: 1
            vendor_id\t: GenuineIntel
            cpu family\t: 6
            model\t\t: 999
            flags\t\t: other
            """;

    @Test
    void cpuDetailTellsApartCpusWithTheSameGenericName() throws Exception {
        Path a = Files.writeString(dir.resolve("a"), XEON_VM);
        Path b = Files.writeString(dir.resolve("b"), XEON_VM.replace("model\t\t: 167", "model\t\t: 143"));
        Path c = Files.writeString(dir.resolve("c"), XEON_VM.replace("fpu vme avx2 avx512f", "avx512f avx2  fpu vme"));
        String detail = DeviceFingerprint.cpuDetail(a);
        assertThat(detail).startsWith("GenuineIntel 6/167/8 cache 107520 KB bogomips 4000.00 flags ").doesNotContain("999");
        assertThat(DeviceFingerprint.cpuModel(a)).isEqualTo(DeviceFingerprint.cpuModel(b));
        assertThat(DeviceFingerprint.cpuDetail(b)).isNotEqualTo(detail);
        assertThat(DeviceFingerprint.cpuDetail(c)).as("flag order does not matter").isEqualTo(detail);
        assertThat(DeviceFingerprint.cpuDetail(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void fingerprintsRecordedBeforeCpuDetailKeepTheirIds() throws Exception {
        // written by session 7 on the Xeon VM: committed data is keyed by this id
        String old = """
                {"cpu_model":"Intel(R) Xeon(R) Processor","logical_cores":2,"os":"Linux 6.18.44-fc-v1045 amd64",\
                "jvm":"Eclipse Adoptium 25.0.3+9-LTS","ort_version":"1.23.2","provider":"cpu","threads":1,"batch":1,\
                "optimization":"all","spinning":false,"precision":"fp32"}""";
        DeviceFingerprint f = DeviceFingerprint.fromJson(new ObjectMapper().readTree(old));
        assertThat(f.cpuDetail()).isEmpty();
        assertThat(f.toJson()).isEqualTo(old);
        assertThat(f.id()).isEqualTo("877f45fc43f6f005");
    }

    @Test
    void cpuDetailIsPartOfTheIdAndSurvivesJson() throws Exception {
        DeviceFingerprint bare = new DeviceFingerprint("Intel(R) Xeon(R) Processor", 2, "Linux", "JVM", "1.23.2", "cpu", 1, 1, "all", false, "fp32");
        DeviceFingerprint detailed = new DeviceFingerprint("Intel(R) Xeon(R) Processor", "GenuineIntel 6/167/8", 2, "Linux", "JVM", "1.23.2",
                "cpu", 1, 1, "all", false, "fp32");
        assertThat(detailed.id()).isNotEqualTo(bare.id());
        DeviceFingerprint back = DeviceFingerprint.fromJson(new ObjectMapper().readTree(detailed.toJson()));
        assertThat(back).isEqualTo(detailed);
        assertThat(back.id()).isEqualTo(detailed.id());
    }
}
