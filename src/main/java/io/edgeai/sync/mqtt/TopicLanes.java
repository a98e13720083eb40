package io.edgeai.sync.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works on messages on several threads at once while keeping the order of each topic: a topic always
 * goes through the same lane (by its hash), and a lane takes one message at a time, in the order it
 * was given them. A broker keeps the order of one topic only, so this is all the order there is. For
 * publishing, the lanes let many QoS 1 acknowledgements be awaited at once instead of one after
 * another; for receiving, messages on different topics are handled at once. A full lane makes the
 * caller wait (back-pressure), so memory stays bounded.
 */
public final class TopicLanes<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicLanes.class);

    private final List<BlockingQueue<T>> lanes = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Function<T, String> topicOf;
    private final Consumer<T> work;
    /** Handed over and not yet through {@code work}: waiting in a lane or being worked on. */
    private final AtomicInteger unfinished = new AtomicInteger();
    private volatile boolean closed;

    /** @param work publishes (or handles) one message and deals with its failure itself */
    public TopicLanes(String name, int lanes, int capacity, Function<T, String> topicOf, Consumer<T> work) {
        this.topicOf = topicOf;
        this.work = work;
        for (int i = 0; i < lanes; i++) {
            BlockingQueue<T> queue = new ArrayBlockingQueue<>(capacity);
            this.lanes.add(queue);
            Thread thread = new Thread(() -> drain(queue), name + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Hands a message to its topic's lane; waits while that lane is full. */
    public void handOff(T message) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("lanes are closed");
        }
        unfinished.incrementAndGet();
        try {
            lanes.get(Math.floorMod(topicOf.apply(message).hashCode(), lanes.size())).put(message);
        } catch (InterruptedException e) {
            unfinished.decrementAndGet();
            throw e;
        }
    }

    /** Messages handed over and not through yet (waiting, or being worked on). */
    public int pending() {
        return unfinished.get();
    }

    private void drain(BlockingQueue<T> queue) {
        while (!closed) {
            T next;
            try {
                next = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next != null) {
                try {
                    work.accept(next);
                } catch (RuntimeException e) {
                    LOG.warn("a message on {} failed: {}", topicOf.apply(next), e.toString());
                } finally {
                    unfinished.decrementAndGet();
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
