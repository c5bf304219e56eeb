package dev.halo.server.api;

/** A request the API refuses: its HTTP status, the request field at fault (may be null) and a one-line message. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String field;

    public ApiException(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public static ApiException badInput(String field, String message) {
        return new ApiException(400, field, message);
    }

    public static ApiException notFound(String field, String message) {
        return new ApiException(404, field, message);
    }

    /** 413 naming {@code body}: a request body of {@code size} bytes ({@code -1}: found while reading it) over {@code limit}. */
    public static ApiException tooLarge(long size, long limit) {
        return new ApiException(413, "body", "the request body" + (size >= 0 ? " (" + size + " bytes)" : "") + " exceeds the limit of " + limit + " bytes");
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }
}
