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
    /** A remote URL under no endpoint this node was configured for. */
    public static final String ENDPOINT_NOT_CONFIGURED = "EndpointNotConfigured";
    /** The endpoint refused this node's credentials (or it has none). */
    public static final String UNAUTHORIZED = "Unauthorized";
    /** The endpoint could not be reached, or failed; polled again, the count is not taken for 0. */
    public static final String UNREACHABLE = "Unreachable";

    private Reasons() {
    }
}
