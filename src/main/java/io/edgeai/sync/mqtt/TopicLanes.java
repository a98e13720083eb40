package io.edgeai.sync.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes on several threads at once while keeping the order of each topic: a topic always goes
 * through the same lane (by its hash), and a lane publishes one message at a time, in the order it
 * was given them. A broker keeps the order of one topic only, so this is all the order there is; the
 * lanes let many QoS 1 acknowledgements be awaited at once instead of one after another. A full lane
 * makes the caller wait (back-pressure), so memory stays bounded.
 */
public final class TopicLanes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicLanes.class);

    private final List<BlockingQueue<Outgoing>> lanes = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Consumer<Outgoing> publish;
    /** Handed over and not yet through {@code publish}: waiting in a lane or being published. */
    private final AtomicInteger unpublished = new AtomicInteger();
    private volatile boolean closed;

    /** @param publish publishes one message and deals with its failure itself */
    public TopicLanes(String name, int lanes, int capacity, Consumer<Outgoing> publish) {
        this.publish = publish;
        for (int i = 0; i < lanes; i++) {
            BlockingQueue<Outgoing> queue = new ArrayBlockingQueue<>(capacity);
            this.lanes.add(queue);
            Thread thread = new Thread(() -> drain(queue), name + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Hands a message to its topic's lane; waits while that lane is full. */
    public void publish(Outgoing message) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("publishing lanes are closed");
        }
        unpublished.incrementAndGet();
        try {
            lanes.get(Math.floorMod(message.topic().hashCode(), lanes.size())).put(message);
        } catch (InterruptedException e) {
            unpublished.decrementAndGet();
            throw e;
        }
    }

    /** Messages handed over and not published yet (waiting, or being published). */
    public int pending() {
        return unpublished.get();
    }

    private void drain(BlockingQueue<Outgoing> queue) {
        while (!closed) {
            Outgoing next;
            try {
                next = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next != null) {
                try {
                    publish.accept(next);
                } catch (RuntimeException e) {
                    LOG.warn("publishing to {} failed: {}", next.topic(), e.toString());
                } finally {
                    unpublished.decrementAndGet();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
    }
}
