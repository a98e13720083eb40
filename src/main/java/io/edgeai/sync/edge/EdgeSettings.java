package io.edgeai.sync.edge;

import java.time.Duration;

/**
 * Tuning of the edge.
 *
 * @param countThreads  recounts that may run at once (the bounded worker pool)
 * @param coalesceDelay how long change events for one dataset are gathered into one recount
 * @param slowCount     how long a recount may run before the others get a thread of their own
 * @param maxClockSkew  how far ahead of this node's clock the cloud's stamps are trusted
 */
public record EdgeSettings(int countThreads, Duration coalesceDelay, Duration slowCount, Duration maxClockSkew) {
}
