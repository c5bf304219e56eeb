package dev.halo.onnx;

/**
 * A value in a graph under construction: its ONNX name and its per-sample shape (batch excluded).
 *
 * <ul>
 *   <li>{@link Layout#MAP}: a feature map {@code [N, channels, height, width]} (also the 4-d tensors inside
 *       attention, {@code [N, heads, tokens, headDim]});
 *   <li>{@link Layout#VECTOR}: a flat feature vector {@code [N, channels]} ({@code height == width == 1});
 *   <li>{@link Layout#SEQUENCE}: a token sequence {@code [N, height = tokens, channels = embedding]}
 *       ({@code width == 1}), as transformers use it.
 * </ul>
 */
public record Tensor(String name, int channels, int height, int width, Layout layout) {
    public enum Layout { MAP, VECTOR, SEQUENCE }

    public Tensor {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new IllegalArgumentException("tensor " + name + " has an empty shape " + channels + "x" + height + "x" + width);
    }

    static Tensor map(String name, int channels, int height, int width) {
        return new Tensor(name, channels, height, width, Layout.MAP);
    }

    static Tensor vector(String name, int size) {
        return new Tensor(name, size, 1, 1, Layout.VECTOR);
    }

    static Tensor sequence(String name, int tokens, int embedding) {
        return new Tensor(name, embedding, tokens, 1, Layout.SEQUENCE);
    }

    /** True for a flat feature vector {@code [N, channels]}. */
    public boolean flat() {
        return layout == Layout.VECTOR;
    }

    public boolean sequence() {
        return layout == Layout.SEQUENCE;
    }

    /** Tokens of a sequence (its {@code height}). */
    public int tokens() {
        return height;
    }

    /** Elements per sample. */
    public long elements() {
        return (long) channels * height * width;
    }

    /** The ONNX shape including the batch dimension. */
    long[] shape(int batch) {
        return switch (layout) {
            case MAP -> new long[] {batch, channels, height, width};
            case VECTOR -> new long[] {batch, channels};
            case SEQUENCE -> new long[] {batch, height, channels};
        };
    }
}
