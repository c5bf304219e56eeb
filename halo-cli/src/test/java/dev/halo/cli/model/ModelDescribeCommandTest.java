package dev.halo.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.cli.CliRun;
import dev.halo.onnx.Nb201Network;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.space.Nb201Space;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDescribeCommandTest {
    @TempDir Path dir;
    private Path model;
    private OnnxNetwork net;

    @BeforeEach
    void export() throws Exception {
        Nb201Space space = new Nb201Space();
        net = new Nb201Network(space.macro()).export(space.parse("conv3x3,skip,avgpool,conv1x1,conv3x3,skip"), 1, 0);
        model = Files.write(dir.resolve("nb201.onnx"), net.bytes());
    }

    @Test
    void tablePrintsEveryNodeAndTheTotals() {
        CliRun r = CliRun.of("model", "describe", model.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("producer halo").contains("inputs  input 1x3x32x32 float")
                .contains("Conv").contains("BatchNormalization").contains("Gemm")
                .containsPattern("MACs +" + String.format(java.util.Locale.ROOT, "%,d", net.macs()));
        assertThat(r.out().lines().filter(l -> l.matches("^\\d+ .*")).count()).isEqualTo(net.layers().size());
    }

    @Test
    void jsonWithKernelsAndOut() throws Exception {
        Path out = dir.resolve("d.json");
        CliRun r = CliRun.of("model", "describe", model.toString(), "--kernels", "--format", "json", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertThat(j.get("totals").get("macs").asLong()).isEqualTo(net.macs());
        assertThat(j.get("nodes")).hasSize(net.layers().size());
        assertThat(j.get("kernels").get("optimization").asText()).isEqualTo("all");
        assertThat(j.get("kernels").get("nodes").size()).isLessThan(net.layers().size());
        assertThat(j.get("kernels").get("problems")).isEmpty();
    }

    @Test
    void csvHasOneRowPerNode() {
        CliRun r = CliRun.of("model", "describe", model.toString(), "--format", "csv");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).isEqualTo("graph,index,node,op,inputs,weights,outputs,macs,flops,params,bytes_moved,note");
        assertThat(r.out().lines().count()).isEqualTo(1 + net.layers().size());
    }

    @Test
    void badFilesGiveOneLineAndExitTwo() throws Exception {
        Path truncated = Files.write(dir.resolve("cut.onnx"), Arrays.copyOf(net.bytes(), net.bytes().length / 2));
        Path text = Files.writeString(dir.resolve("text.onnx"), "hello");
        for (String[] args : new String[][] {
                {"model", "describe", truncated.toString()},
                {"model", "describe", text.toString()},
                {"model", "describe", model.toString(), "--input", "nope=1x3x32x32"},
                {"model", "describe", model.toString(), "--input", "input=1x3x32"}}) {
            CliRun r = CliRun.of(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("halo: ");
        }
        assertThat(CliRun.of("model", "describe", truncated.toString()).err()).contains("truncated");
    }

    @Test
    void anUnknownOperatorIsListedThenExitsTwo() throws Exception {
        var g = ai.onnx.proto.OnnxMl.GraphProto.newBuilder()
                .addInput(net.model().getGraph().getInput(0))
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("input").addOutput("r"))
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Frobnicate").setName("frob").addInput("r").addOutput("y"))
                .addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("y"));
        var m = net.model().toBuilder().setGraph(g).build();
        Path f = Files.write(dir.resolve("unknown.onnx"), m.toByteArray());
        CliRun r = CliRun.of("model", "describe", f.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("relu").contains("not costed: node 'frob' (op Frobnicate): unknown operator").contains("1 not costed");
        assertThat(r.err().strip()).isEqualTo("halo: " + f + ": 1 node(s) not costed; first: node 'frob' (op Frobnicate): unknown operator");
    }

    @Test
    void helpTeaches() {
        CliRun r = CliRun.of("model", "describe", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--input").contains("--kernels").contains("Examples:");
    }
}
