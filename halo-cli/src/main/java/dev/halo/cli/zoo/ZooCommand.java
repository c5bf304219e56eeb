package dev.halo.cli.zoo;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "zoo", mixinStandardHelpOptions = true,
        description = {"halo's generated model corpus: realistic variants of well-known CNN and transformer families.",
            "The families are ResNet, MobileNetV2/V3, EfficientNet, ShuffleNetV2, RegNet, DenseNet, ViT and Swin, named by canonical strings (family:key=value:...) or torchvision",
            "preset names (resnet50, mobilenet_v3_large, ...), and micro: single operators (convolutions, matrix products, softmax, norms,",
            "element-wise, pooling, data movement) on one input, for the kernel-level latency model (only with --family micro; 'halo zoo families' lists its ranges).", "",
            "Examples:",
            "  halo zoo families",
            "  halo zoo sample --family all -n 1000 --seed 1 > zoo.csv",
            "  halo zoo export resnet50 'mobilenetv2:width=0.75:res=160' --out models/",
            "  halo zoo measure --specs zoo.csv --store zoo.db --threads 2 --out data/measured"},
        subcommands = {ZooFamiliesCommand.class, ZooSampleCommand.class, ZooExportCommand.class, ZooMeasureCommand.class})
public final class ZooCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
