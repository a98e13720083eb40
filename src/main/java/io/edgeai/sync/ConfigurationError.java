package io.edgeai.sync;

/** A setting that is missing or wrong: said in one line, and the process exits with 2 (EdgeaiSync). */
public final class ConfigurationError extends IllegalStateException {
    public ConfigurationError(String message) {
        super(message);
    }

    /** The configuration error behind {@code failure}, if that is what it is. */
    static java.util.Optional<ConfigurationError> in(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConfigurationError error) {
                return java.util.Optional.of(error);
            }
        }
        return java.util.Optional.empty();
    }
}
