package dev.halo.graph;

/** Element types, numbered as ONNX's {@code TensorProto.DataType} numbers them. */
public enum DType {
    UNDEFINED(0, 0), FLOAT(1, 4), UINT8(2, 1), INT8(3, 1), UINT16(4, 2), INT16(5, 2), INT32(6, 4), INT64(7, 8),
    STRING(8, 0), BOOL(9, 1), FLOAT16(10, 2), DOUBLE(11, 8), UINT32(12, 4), UINT64(13, 8), COMPLEX64(14, 8),
    COMPLEX128(15, 16), BFLOAT16(16, 2), FLOAT8E4M3FN(17, 1), FLOAT8E4M3FNUZ(18, 1), FLOAT8E5M2(19, 1),
    FLOAT8E5M2FNUZ(20, 1), UINT4(21, 1), INT4(22, 1);

    private final int code;
    private final int bytes;

    DType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    public int code() {
        return code;
    }

    /** Bytes per element (4-bit types round up to 1; strings count 0). */
    public int bytes() {
        return bytes;
    }

    public boolean isFloat() {
        return this == FLOAT || this == FLOAT16 || this == DOUBLE || this == BFLOAT16 || name().startsWith("FLOAT8");
    }

    public static DType of(int code) {
        for (DType t : values()) if (t.code == code) return t;
        return UNDEFINED;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
