package dev.halo.space;

import java.util.ArrayList;
import java.util.List;

/**
 * The FBNet macro structure as HW-NAS-Bench builds it ({@code hw_nas_bench_api/fbnet_models/model_infer.py},
 * class {@code FBNet_Infer}, FBNetV1 settings):
 * <ol>
 *   <li>stem: conv 3×3 (3→16, stride {@code stemStride}, pad 1, no bias) + BN + ReLU;</li>
 *   <li>7 stages of {@code stageLayers} searchable layers with {@code stageChannels} outputs; the first layer of a
 *       stage has the stage stride and takes the previous stage's (or the stem's) channels;</li>
 *   <li>a block {@code kK_eE_gG} on Cin→Cout, stride s: conv 1×1 (Cin→Cin·E, groups G) + BN + ReLU, channel shuffle
 *       if G&gt;1, depthwise conv K×K (stride s, pad ⌈(K−s)/2⌉) + BN + ReLU, conv 1×1 (Cin·E→Cout, groups G) + BN, plus
 *       the input when Cin = Cout and s = 1; {@code skip} is identity or, if Cin ≠ Cout or s = 2, conv 1×1 (stride s)
 *       + BN + ReLU;</li>
 *   <li>head: conv 1×1 (352→{@code headChannels}) + BN + ReLU, global average pool, linear → {@code numClasses}.</li>
 * </ol>
 */
public record FbnetMacro(int inputSize, int stemChannels, int stemStride, List<Integer> stageLayers, List<Integer> stageChannels,
        List<Integer> stageStrides, int headChannels, int numClasses) {

    public FbnetMacro {
        stageLayers = List.copyOf(stageLayers);
        stageChannels = List.copyOf(stageChannels);
        stageStrides = List.copyOf(stageStrides);
        if (stageLayers.size() != stageChannels.size() || stageLayers.size() != stageStrides.size())
            throw new IllegalArgumentException("stage lists differ in length");
        if (stageLayers.stream().mapToInt(Integer::intValue).sum() != FbnetArch.LAYERS)
            throw new IllegalArgumentException("stages must hold 22 layers");
    }

    /** HW-NAS-Bench's CIFAR-100 setting, which HELP's FBNet latencies use: 32×32 input, strides 1,1,2,2,1,2,1, head 1504. */
    public static FbnetMacro cifar100() {
        return new FbnetMacro(32, 16, 1, List.of(1, 4, 4, 4, 4, 4, 1), List.of(16, 24, 32, 64, 112, 184, 352),
                List.of(1, 1, 2, 2, 1, 2, 1), 1504, 100);
    }

    /** HW-NAS-Bench's ImageNet setting: 224×224 input, stem stride 2, strides 1,2,2,2,1,2,1, head 1984. */
    public static FbnetMacro imagenet() {
        return new FbnetMacro(224, 16, 2, List.of(1, 4, 4, 4, 4, 4, 1), List.of(16, 24, 32, 64, 112, 184, 352),
                List.of(1, 2, 2, 2, 1, 2, 1), 1984, 1000);
    }

    /**
     * One searchable layer's fixed shape.
     *
     * @param index        layer 0..21
     * @param stage        stage 0..6
     * @param inChannels   input channels
     * @param outChannels  output channels
     * @param stride       stride of the depthwise conv (or of the skip conv)
     * @param inResolution input height = width
     */
    public record Layer(int index, int stage, int inChannels, int outChannels, int stride, int inResolution) {
        public int outResolution() {
            return (inResolution + stride - 1) / stride;
        }
    }

    /** Padding HW-NAS-Bench gives a K×K conv with stride s: ⌈(K − s) / 2⌉ (1×1 convs: 0). */
    public static int padding(int kernel, int stride) {
        return Math.max(0, (kernel - stride + 1) / 2);
    }

    public int stemResolution() {
        return (inputSize + stemStride - 1) / stemStride;
    }

    public List<Layer> layers() {
        List<Layer> out = new ArrayList<>(FbnetArch.LAYERS);
        int in = stemChannels;
        int res = stemResolution();
        int index = 0;
        for (int s = 0; s < stageLayers.size(); s++) {
            for (int i = 0; i < stageLayers.get(s); i++) {
                int stride = i == 0 ? stageStrides.get(s) : 1;
                Layer layer = new Layer(index++, s, in, stageChannels.get(s), stride, res);
                out.add(layer);
                in = layer.outChannels();
                res = layer.outResolution();
            }
        }
        return List.copyOf(out);
    }

    public int lastChannels() {
        return stageChannels.get(stageChannels.size() - 1);
    }
}
