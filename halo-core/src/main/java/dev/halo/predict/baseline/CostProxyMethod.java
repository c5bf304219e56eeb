package dev.halo.predict.baseline;

import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.List;

/**
 * Ranks architectures by a cost formula of the space (FLOPs or parameter count) and ignores every
 * measurement: the device-independent reference point a few-shot method has to beat (HELP's "FLOPs"
 * baseline). Its outputs are not milliseconds; the evaluator maps them to ms per device.
 */
public final class CostProxyMethod implements FewShotMethod {
    private final String name;
    private final boolean useParams;

    private CostProxyMethod(String name, boolean useParams) {
        this.name = name;
        this.useParams = useParams;
    }

    /** Multiply-accumulates of one forward pass ({@link SearchSpace#mflops}). */
    public static CostProxyMethod flops() {
        return new CostProxyMethod("flops", false);
    }

    /** Trainable parameters ({@link SearchSpace#params}). */
    public static CostProxyMethod params() {
        return new CostProxyMethod("params", true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean predictsMilliseconds() {
        return false;
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        LatencyPredictor proxy = new Proxy(context.space(), useParams);
        return task -> proxy;
    }

    private record Proxy(SearchSpace<?> searchSpace, boolean useParams) implements LatencyPredictor {
        @Override
        public String space() {
            return searchSpace.name();
        }

        @Override
        public double[] predictMs(List<? extends Architecture> archs) {
            return archs.stream().mapToDouble(a -> cost(searchSpace, a)).toArray();
        }

        private <A extends Architecture> double cost(SearchSpace<A> s, Architecture arch) {
            A a = s.cast(arch);
            return useParams ? s.params(a) : s.mflops(a);
        }
    }
}
