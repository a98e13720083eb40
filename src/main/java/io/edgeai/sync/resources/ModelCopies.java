package io.edgeai.sync.resources;

/** How many of a model's target nodes hold a verified copy, how many a copy that cannot be used, and how many there are. */
public record ModelCopies(int available, int failed, int total) {
}
