package io.edgeai.sync.edge;

import java.time.Duration;

/**
 * Tuning of the edge's counting.
 *
 * @param countThreads  recounts that may run at once (the bounded worker pool)
 * @param coalesceDelay how long change events for one dataset are gathered into one recount
 */
public record EdgeSettings(int countThreads, Duration coalesceDelay) {
}
