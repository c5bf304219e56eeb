package dev.halo;

/**
 * Input that halo cannot accept: a malformed architecture, a broken data file, an impossible setting.
 * The message is one line that names what was wrong and where (file, line, field); the CLI prints it
 * and exits with status 2.
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
