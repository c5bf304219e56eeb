package dev.halo.predict.help;

import dev.halo.BadInputException;
import dev.halo.nn.Tensor;
import dev.halo.space.Architecture;
import dev.halo.space.FbnetSpace;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Graph;
import dev.halo.space.Nb201Space;
import dev.halo.space.OfaSpace;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.util.List;

/**
 * Turns architectures into HELP's predictor input: NB201 cells as graphs ({@link Nb201Graph}, with a
 * chosen node wiring), FBNet and OFA as HELP's flat one-hot vectors ({@link SearchSpace#flatEncoding}).
 *
 * @param wiring NB201 only: which node wiring the model was trained with (HELP's checkpoint: see
 *               docs/results/help.md for how it was chosen); ignored for flat spaces
 */
public record HelpEncoder(SearchSpace<?> space, Nb201Graph.Wiring wiring) {

    public static HelpEncoder forSpace(String name, Nb201Graph.Wiring wiring) {
        return new HelpEncoder(Spaces.byName(name), wiring);
    }

    /** HELP's network shape for this space. */
    public HelpNetwork network() {
        return switch (space) {
            case Nb201Space s -> HelpNetwork.gcn(Nb201Graph.FEATURES);
            case FbnetSpace s -> HelpNetwork.mlp(FbnetSpace.ENCODING_LENGTH);
            case OfaSpace s -> HelpNetwork.mlp(s.flatEncoding(s.sample(new java.util.Random(0))).length);
            default -> throw new BadInputException("HELP supports nasbench201, fbnet and ofa, not " + space.name());
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public HelpInputs encode(List<? extends Architecture> archs) {
        if (space instanceof Nb201Space nb) {
            int n = archs.size(), nodes = Nb201Graph.NODES, f = Nb201Graph.FEATURES;
            double[] feat = new double[n * nodes * f], adj = new double[n * nodes * nodes];
            for (int i = 0; i < n; i++) {
                Nb201Graph g = nb.graph(nb.cast(archs.get(i)), wiring);
                for (int r = 0; r < nodes; r++) {
                    System.arraycopy(g.features()[r], 0, feat, (i * nodes + r) * f, f);
                    System.arraycopy(g.adjacency()[r], 0, adj, (i * nodes + r) * nodes, nodes);
                }
            }
            return new HelpInputs.Graphs(Tensor.of(feat, n, nodes, f), Tensor.of(adj, n, nodes, nodes));
        }
        SearchSpace raw = space;
        int n = archs.size();
        double[] first = raw.flatEncoding(raw.cast(archs.get(0)));
        double[] x = new double[n * first.length];
        for (int i = 0; i < n; i++) System.arraycopy(raw.flatEncoding(raw.cast(archs.get(i))), 0, x, i * first.length, first.length);
        return new HelpInputs.Flat(Tensor.of(x, n, first.length));
    }

}
