package io.edgeai.sync.edge;

import java.time.Duration;

/**
 * Tuning of the edge.
 *
 * @param countThreads  recounts that may run at once (the bounded worker pool)
 * @param coalesceDelay how long change events for one dataset are gathered into one recount
 * @param slowCount     how long a recount may run before the others get a thread of their own
 * @param maxClockSkew  how far ahead of this node's clock the cloud's stamps are trusted
 * @param modelHashBytesPerSecond how fast a model copy may be read to compute its SHA-256; 0 for no bound
 */
public record EdgeSettings(int countThreads, Duration coalesceDelay, Duration slowCount, Duration maxClockSkew, long modelHashBytesPerSecond) {
    /** The default bound on hashing models: a quarter of a fast SD card's, a small part of an SSD's bandwidth. */
    public static final long MODEL_HASH_MIB_PER_SECOND = 64;

    public EdgeSettings(int countThreads, Duration coalesceDelay, Duration slowCount, Duration maxClockSkew) {
        this(countThreads, coalesceDelay, slowCount, maxClockSkew, MODEL_HASH_MIB_PER_SECOND << 20);
    }
}
