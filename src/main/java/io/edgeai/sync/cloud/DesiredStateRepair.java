package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Outgoing;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Desired state that could not be published (the broker was down or refused it): its topic is noted,
 * and on every repair tick it is sent again as the resources are then, not as the message was. A
 * change made during a broker outage so reaches its node within a tick of the broker's return,
 * without waiting for a resync.
 */
public final class DesiredStateRepair {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredStateRepair.class);
    /** A bound on what is remembered (the topics of every resource fit easily); past it, resyncs repair. */
    static final int MAX_REMEMBERED = 1_000_000;

    private final DesiredStateReconciler current;
    private final Predicate<Outgoing> publisher;
    private final Set<String> failed = ConcurrentHashMap.newKeySet();

    /** @param publisher publishes and says whether the broker took the message */
    public DesiredStateRepair(DesiredStateReconciler current, Predicate<Outgoing> publisher) {
        this.current = current;
        this.publisher = publisher;
    }

    /** Publishes a desired-state message (through the mqtt-publish route) and notes it if the broker did not take it. */
    public void publish(Outgoing message) {
        if (!publisher.test(message)) {
            failed(message);
        }
    }

    private void failed(Outgoing message) {
        if (failed.size() < MAX_REMEMBERED && failed.add(message.topic()) && failed.size() == 1) {
            LOG.warn("desired state not published ({}, and maybe more); sent again as it is now once the broker takes it",
                message.topic());
        }
    }

    /** What the failed topics must hold now; they are forgotten until they fail again. */
    public List<Object> due() {
        List<Object> messages = new ArrayList<>();
        for (String topic : List.copyOf(failed)) {
            failed.remove(topic);
            messages.addAll(current.currentFor(topic));
        }
        return messages;
    }

    public int pending() {
        return failed.size();
    }
}
