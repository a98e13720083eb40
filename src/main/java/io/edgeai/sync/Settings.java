package io.edgeai.sync;

import java.util.Arrays;
import java.util.List;
import org.apache.camel.CamelContext;

/**
 * Reads {@code edgeai.*} settings through Camel's property placeholders, so that
 * application.properties, the mode's profile, JVM system properties and environment variables
 * ({@code EDGEAI_NODE_NAME} for {@code edgeai.node-name}) all apply, as for any Camel property.
 */
public record Settings(CamelContext context) {

    public String get(String key, String fallback) {
        return context.getPropertiesComponent().resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(fallback);
    }

    public String required(String key) {
        String value = get(key, null);
        if (value == null) {
            throw new ConfigurationError("set " + key + " (or the environment variable "
                + key.toUpperCase().replace('.', '_').replace('-', '_') + ")");
        }
        return value;
    }

    public int integer(String key, int fallback) {
        String value = get(key, Integer.toString(fallback));
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationError(key + " must be a whole number, not '" + value + "'");
        }
    }

    /** true or false; anything else is a configuration error. */
    public boolean bool(String key, boolean fallback) {
        String value = get(key, Boolean.toString(fallback));
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new ConfigurationError(key + " must be true or false, not '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /**
     * A secret: read from the file that {@code fileKey} names (a mounted Secret, so that it is in no
     * environment variable), else the value of {@code valueKey}; null when neither is set.
     */
    public String secret(String fileKey, String valueKey) {
        String file = get(fileKey, null);
        if (file == null) {
            return get(valueKey, null);
        }
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(file)).strip();
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            throw new ConfigurationError(fileKey + " " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    public List<String> list(String key) {
        return Arrays.stream(get(key, "").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
