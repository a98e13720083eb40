package io.edgeai.sync.cloud;

/**
 * A change the informer saw. {@code before} is null for an add, {@code after} is null for a delete; a
 * delete's {@code before} is the last state known (possibly from a re-list after a missed watch).
 */
public record ResourceEvent<T>(Type type, T before, T after) {
    public enum Type { ADDED, UPDATED, DELETED }

    /** The object as it is now, or as it was last seen if it is gone. */
    public T current() {
        return after != null ? after : before;
    }
}
