package io.edgeai.sync;

/** A setting that is missing or wrong: said in one line, and the process exits with 2 (EdgeaiSync). */
public final class ConfigurationError extends IllegalStateException {
    public ConfigurationError(String message) {
        super(message);
    }

    /** The configuration error behind {@code failure}, if that is what it is. */
    static java.util.Optional<ConfigurationError> in(Throwable failure) {
        return Causes.find(failure, ConfigurationError.class);
    }
}
