package dev.halo.onnx;

/**
 * A value in a graph under construction: its ONNX name and its per-sample shape (batch excluded). Feature
 * vectors after flattening have {@code height == width == 1} and {@code flat == true}.
 */
public record Tensor(String name, int channels, int height, int width, boolean flat) {
    public Tensor {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new IllegalArgumentException("tensor " + name + " has an empty shape " + channels + "x" + height + "x" + width);
    }

    static Tensor map(String name, int channels, int height, int width) {
        return new Tensor(name, channels, height, width, false);
    }

    static Tensor vector(String name, int size) {
        return new Tensor(name, size, 1, 1, true);
    }

    /** Elements per sample. */
    public long elements() {
        return (long) channels * height * width;
    }
}
