package io.edgeai.sync.resources;

/** One named measurement of a model, as the seed defines it: both parts are strings. */
public record ModelMetric(String key, String value) {
}
