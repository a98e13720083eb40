package io.edgeai.sync.counting;

import java.nio.ByteBuffer;

/** Counts records in a stream of bytes fed in pieces; a piece never needs to end on a record boundary. */
public interface Scanner {

    /** Scans {@code buffer} from its position to its limit (the buffer itself is not moved). */
    ScanState scan(ByteBuffer buffer, ScanState from);
}
