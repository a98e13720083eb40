package io.edgeai.sync;

import java.util.Optional;

/** Walks a failure's chain of causes (which may loop back on itself). */
public final class Causes {
    private Causes() {
    }

    /** The first failure in the chain that is a {@code type}. */
    public static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }

    /** The last failure in the chain: the one that says what actually went wrong. */
    public static Throwable root(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
