package io.edgeai.sync.edge;

/** The reasons an edge gives in its report (a dataset's {@code Counted} condition, and {@code Ready} while the node is online). */
public final class Reasons {
    public static final String COUNTED = "Counted";
    public static final String OUTSIDE_DATA_ROOTS = "PathOutsideDataRoots";
    public static final String NOT_FOUND = "PathNotFound";
    public static final String UNREADABLE = "Unreadable";
    /** A FIFO, device, socket or link where a file or directory should be: never opened. */
    public static final String NOT_REGULAR = "NotARegularFile";
    public static final String UNKNOWN_FORMAT = "UnknownFormat";
    public static final String UNSUPPORTED_URL = "UnsupportedUrl";

    private Reasons() {
    }
}
