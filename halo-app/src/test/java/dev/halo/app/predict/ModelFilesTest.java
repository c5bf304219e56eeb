package dev.halo.app.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.space.Nb201Space;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModelFilesTest {
    /** The shipped model is float32 JSON in gzip: halo adapt must take it like a plain model file. */
    @Test
    void gzipCompressedShippedModelIsAHaloModel() {
        Path shipped = Path.of("..", "models", "help-nasbench201.json.gz");
        assertThat(ModelFiles.kind(shipped)).isEqualTo(ModelFiles.Kind.HALO_MODEL);
        assertThat(ModelFiles.loadBase(shipped, new Nb201Space()).provenance().source()).isEqualTo("meta-trained");
    }
}
