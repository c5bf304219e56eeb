package dev.halo.onnx;

import dev.halo.BadInputException;
import dev.halo.space.FbnetSpace;
import dev.halo.space.Nb201Space;
import dev.halo.space.OfaSpace;
import dev.halo.space.SearchSpace;

/** The exporter of each built-in search space, following that space's macro structure. */
public final class NetworkExporters {
    private NetworkExporters() {}

    /** The exporter for {@code space} (its macro settings, e.g. CIFAR-10 vs ImageNet16-120, carry over). */
    public static NetworkExporter forSpace(SearchSpace<?> space) {
        return switch (space) {
            case Nb201Space nb -> new Nb201Network(nb.macro());
            case FbnetSpace fb -> new FbnetNetwork(fb.macro());
            case OfaSpace ofa -> new OfaNetwork(ofa.macro());
            default -> throw new BadInputException("no ONNX exporter for search space " + space.name());
        };
    }
}
