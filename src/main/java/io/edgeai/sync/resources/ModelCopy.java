package io.edgeai.sync.resources;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One node's copy of a model, as that node last reported it: its {@code phase} (one of
 * {@link #PHASES}), its size, the SHA-256 the node computed ({@code files} for a directory model),
 * why it is not usable if it is not, and when the node saw it change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCopy(String node, String phase, Long sizeBytes, Long files, String sha256, String message, String updateTime) {
    public static final String PRESENT = "Present";
    public static final String MISSING = "Missing";
    public static final String CHECKSUM_MISMATCH = "ChecksumMismatch";
    public static final String UNREADABLE = "Unreadable";
    public static final String OUTSIDE_DATA_ROOTS = "OutsideDataRoots";
    public static final java.util.List<String> PHASES = java.util.List.of(PRESENT, MISSING, CHECKSUM_MISMATCH, UNREADABLE, OUTSIDE_DATA_ROOTS);

    /** Why a copy with digest {@code actual} does not count, for a model whose spec.sha256 is {@code expected}. */
    public static String mismatch(String actual, String expected) {
        return "the copy's SHA-256 is " + actual + ", spec.sha256 is " + expected;
    }

    public ModelCopy withPhase(String phase, String message) {
        return new ModelCopy(node, phase, sizeBytes, files, sha256, message, updateTime);
    }
}
