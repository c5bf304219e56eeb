package dev.halo.onnx.zoo;

import java.util.Map;
import java.util.SplittableRandom;

/** A family of realistic network variants (ResNet, MobileNetV2, ...): parse, sample and name its members. */
public interface ModelFamily {
    /** Lower-case family name, the prefix of its canonical strings. */
    String name();

    /** One line: the block structure and the hyper-parameter ranges the sampler draws from. */
    String description();

    /** Parses {@code family:key=value:...}; keys may come in any order, missing ones take the documented defaults. */
    ZooModel parse(String spec);

    /** A variant drawn from the family's ranges; the same generator state gives the same variant. */
    ZooModel sample(SplittableRandom random);

    /** Named standard configurations (torchvision names, e.g. {@code resnet18}) and their canonical strings. */
    Map<String, String> presets();
}
