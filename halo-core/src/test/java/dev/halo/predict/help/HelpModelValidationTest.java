package dev.halo.predict.help;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.space.Nb201Space;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model file whose numbers were damaged is refused on load, naming the tensor, instead of predicting 8e28 ms. */
class HelpModelValidationTest {
    @TempDir Path dir;

    @Test
    void releasedCheckpointsAndTheShippedModelPass() {
        Path cp = SharedData.path("help/nasbench201/checkpoint/help_max_corr.pt");
        assertThat(HelpModelLoader.read(cp, new Nb201Space()).model()).isNotNull();
    }

    @Test
    void corruptedCheckpointTensorIsRefused() throws IOException {
        Path cp = SharedData.path("help/nasbench201/checkpoint/help_max_corr.pt");
        Path bad = dir.resolve("corrupt.pt");
        try (ZipFile in = new ZipFile(cp.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bad))) {
            boolean done = false;
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] b = in.getInputStream(e).readAllBytes();
                if (!done && e.getName().contains("/data/") && b.length >= 4000) { // a weight tensor: 16 floats of 7e28
                    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < 16; i++) buf.putFloat(4 * i, 7e28f);
                    done = true;
                }
                ZipEntry n = new ZipEntry(e.getName());
                n.setMethod(ZipEntry.STORED);
                n.setSize(b.length);
                CRC32 crc = new CRC32();
                crc.update(b);
                n.setCrc(crc.getValue());
                out.putNextEntry(n);
                out.write(b);
                out.closeEntry();
            }
            assertThat(done).isTrue();
        }
        assertThatThrownBy(() -> HelpModelLoader.read(bad, new Nb201Space())).isInstanceOf(BadInputException.class)
                .hasMessageContaining("corrupt.pt: field 'state_dict.").hasMessageContaining("7.0000002E28".substring(0, 3))
                .hasMessageContaining("not a finite number within ±100");
    }

    @Test
    void nonFiniteOrHugeTensorInAHaloModelFileIsRefused() throws IOException {
        HelpModel model = HelpModel.initialise(new HelpEncoder(new Nb201Space(), dev.halo.space.Nb201Graph.Wiring.HELP).network(), new java.util.Random(1));
        String name = model.allParameters().names().getFirst();
        double[] data = model.allParameters().get(name).data().clone();
        data[0] = Double.NaN;
        HelpModel broken = model.withAllParameters(model.allParameters().with(name, dev.halo.nn.Tensor.of(data, model.allParameters().get(name).shape())));
        assertThatThrownBy(() -> HelpModelValidation.requireSane("m.json", "tensors", broken)).isInstanceOf(BadInputException.class)
                .hasMessage("m.json: field 'tensors." + name + "' element 0 is NaN, not a finite number within ±100 (corrupted model file?)");
        assertThat(HelpModelValidation.requireSane("m.json", "tensors", model)).isSameAs(model);
    }
}
