package io.edgeai.sync.mqtt;

/**
 * A message that is dropped on purpose (malformed, spoofed, stale, for an unknown resource). The routes
 * log it with its reason and carry on; it is never retried, since retrying cannot make it valid.
 */
public class RejectedMessage extends RuntimeException {
    public RejectedMessage(String reason) {
        super(reason, null, false, false);
    }
}
