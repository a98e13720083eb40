package io.edgeai.sync.edge;

import io.edgeai.sync.mqtt.Messages.Desired;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.resources.ResourceNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the cloud wants this node to hold of one kind, persisted in the {@link DesiredStateStore}.
 *
 * <p>Objects and manifests travel on different topics, which a broker need not keep in order; each
 * carries the time the cloud issued it, and the cloud stamps a manifest before it lists the resources
 * (docs/protocol.md). An object issued before the latest manifest that does not list it is deleted
 * (or a leftover): it is not held. It is kept aside, though, and held again if a later manifest lists
 * it, so no ordering accident can drop a dataset for good. The latest manifest is the last one
 * received (the cloud sends a node's manifests in the order of their stamps, and a broker keeps the
 * order of one topic); of an object, the copy issued last wins. A copy of what is already held (same
 * uid and generation) changes nothing but its time.
 *
 * <p>Stamps are trusted up to {@code maxAhead} beyond this node's clock: a cloud whose clock was far
 * ahead cannot make the node ignore what comes after it for longer than that.
 *
 * <p>What is held in memory is what counts: a state directory that is full or read-only delays
 * saving a change, never the change itself. Unsaved changes are saved again by {@link #retryUnsaved}.
 *
 * <p>Changes are decided one at a time (under this set's lock, in memory), and saved after the lock
 * is let go, so messages for different objects are taken in at once and a slow state directory
 * (an SD card) does not make each wait for the others' writes. A save writes what is held for its
 * key at that moment, under that key's own lock: whichever save of a key runs last writes its
 * latest state.
 */
final class DesiredSet<T extends Desired> {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredSet.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;
    static final int MAX_PARKED = 10_000;

    interface Listener<T> {
        void placed(T desired);

        void removed(T desired);
    }

    /** An object as received, and its stamp as trusted. */
    private record Copy<T>(T value, long stamp) {
    }

    private final DesiredStateStore store;
    private final String kind;
    private final Listener<T> listener;
    private final LongSupplier clock;
    private final long maxAheadMillis;
    private final Map<String, Copy<T>> held = new ConcurrentHashMap<>();
    /**
     * Received, but not listed by the latest manifest, which was issued after them; the oldest are
     * forgotten past {@link #MAX_PARKED} (deleted objects whose tombstone was missed end up here).
     */
    private final Map<String, Copy<T>> parked = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Copy<T>> eldest) {
            return size() > MAX_PARKED;
        }
    };
    /** Keys whose saved state differs from what is held (a write or a delete that failed). */
    private final Set<String> unsaved = ConcurrentHashMap.newKeySet();
    /** Locks for saving, by key hash: two saves of one key never run at once. */
    private final Object[] saveLocks = new Object[64];
    private Set<String> manifestItems;
    private long manifestStamp;
    private long lastSkewLog = System.nanoTime() - LOG_EVERY_NANOS;
    private volatile long lastSaveLog = System.nanoTime() - LOG_EVERY_NANOS;

    DesiredSet(DesiredStateStore store, String kind, Class<T> type, Listener<T> listener, LongSupplier clock, long maxAheadMillis) {
        this.store = store;
        this.kind = kind;
        this.listener = listener;
        this.clock = clock;
        this.maxAheadMillis = maxAheadMillis;
        java.util.Arrays.setAll(saveLocks, i -> new Object());
        for (T saved : store.readAll(kind, type)) {
            held.put(saved.key(), new Copy<>(saved, trusted(saved.issuedAt(), saved.key())));
        }
    }

    /** An object as its topic's message said it (parsed), which must name the topic's object with valid names, and is placed. */
    void receive(String key, T desired) {
        if (desired == null) {
            throw new RejectedMessage("the " + kind + " on topic " + key + " is JSON null");
        }
        if (!desired.key().equals(key)) {
            throw new RejectedMessage("the " + kind + " on topic " + key + " names " + desired.key());
        }
        // the names become file names in the state directory: nothing but DNS-1123 names gets there
        if (!ResourceNames.valid(desired.namespace()) || !ResourceNames.valid(desired.name())) {
            throw new RejectedMessage("the " + kind + " " + key + " has an invalid namespace or name");
        }
        put(desired);
    }

    /** A manifest as its topic's message said it (parsed). */
    void receiveManifest(Manifest manifest) {
        if (manifest == null || manifest.items() == null) {
            throw new RejectedMessage("the " + kind + " manifest has no items");
        }
        apply(manifest);
    }

    void put(T desired) {
        List<String> changed = new ArrayList<>(1);
        try {
            decidePut(desired, changed);
        } finally {
            saveAll(changed); // what changed is saved even if a listener failed half-way
        }
    }

    void remove(String key) {
        List<String> changed = new ArrayList<>(1);
        try {
            decideRemove(key, changed);
        } finally {
            saveAll(changed);
        }
    }

    void apply(Manifest manifest) {
        List<String> changed = new ArrayList<>();
        try {
            decideApply(manifest, changed);
        } finally {
            saveAll(changed);
        }
    }

    /** Adds to {@code changed} the keys whose saved state must follow. */
    private synchronized void decidePut(T desired, List<String> changed) {
        String key = desired.key();
        Copy<T> copy = new Copy<>(desired, trusted(desired.issuedAt(), key));
        Copy<T> known = held.containsKey(key) ? held.get(key) : parked.get(key);
        if (known != null && known.stamp > copy.stamp) {
            return; // an older copy arriving late
        }
        if (excluded(copy)) {
            parked.put(key, copy);
            drop(key, changed);
            return;
        }
        parked.remove(key);
        hold(copy, changed);
    }

    private synchronized void decideRemove(String key, List<String> changed) {
        parked.remove(key);
        drop(key, changed);
    }

    private synchronized void decideApply(Manifest manifest, List<String> changed) {
        manifestItems = new HashSet<>(manifest.items());
        manifestStamp = trusted(manifest.issuedAt(), kind + " manifest");
        for (Copy<T> copy : new ArrayList<>(held.values())) {
            if (excluded(copy)) {
                parked.put(copy.value.key(), copy);
                drop(copy.value.key(), changed);
            }
        }
        List<Copy<T>> listedAgain = parked.values().stream().filter(copy -> !excluded(copy)).toList();
        for (Copy<T> copy : listedAgain) {
            parked.remove(copy.value.key());
            hold(copy, changed);
        }
    }

    Optional<T> get(String key) {
        return Optional.ofNullable(held.get(key)).map(Copy::value);
    }

    Collection<T> all() {
        return held.values().stream().map(Copy::value).toList();
    }

    private boolean excluded(Copy<T> copy) {
        return manifestItems != null && copy.stamp < manifestStamp && !manifestItems.contains(copy.value.key());
    }

    private void hold(Copy<T> copy, List<String> changed) {
        T desired = copy.value;
        Copy<T> previous = held.put(desired.key(), copy);
        changed.add(desired.key());
        if (previous == null || !desired.sameAs(previous.value)) {
            listener.placed(desired); // a re-sent copy (a resync, a reconnect) changes nothing but its time
        }
    }

    private void drop(String key, List<String> changed) {
        Copy<T> gone = held.remove(key);
        if (gone != null) {
            changed.add(key);
            listener.removed(gone.value);
        }
    }

    private void saveAll(List<String> keys) {
        keys.forEach(this::save);
    }

    /** Saves again what could not be saved (the state directory was full or read-only); what still fails waits for the next retry. */
    void retryUnsaved() {
        saveAll(List.copyOf(unsaved));
    }

    /** Brings the saved state of one key to what is held now; false (and noted) if the state directory refused. */
    private boolean save(String key) {
        synchronized (saveLocks[Math.floorMod(key.hashCode(), saveLocks.length)]) {
            return saveHeld(key);
        }
    }

    private boolean saveHeld(String key) {
        Copy<T> copy = held.get(key);
        try {
            if (copy != null) {
                store.write(kind, key, copy.value);
            } else {
                store.delete(kind, key);
            }
            if (unsaved.remove(key) && unsaved.isEmpty()) {
                LOG.info("the state directory takes changes again; every {} is saved", kind);
            }
            return true;
        } catch (java.io.UncheckedIOException e) {
            unsaved.add(key);
            long now = System.nanoTime();
            if (now - lastSaveLog >= LOG_EVERY_NANOS) {
                lastSaveLog = now;
                LOG.warn("cannot save {} {} ({} unsaved); held in memory and saved when the state directory takes it: {}",
                    kind, key, unsaved.size(), e.getCause() == null ? e.getMessage() : e.getCause().toString());
            }
            return false;
        }
    }

    /** The stamp, or this node's clock plus {@code maxAhead} if it claims to be later than that. */
    private long trusted(long issuedAt, String what) {
        long bound = clock.getAsLong() + maxAheadMillis;
        if (issuedAt <= bound) {
            return issuedAt;
        }
        long now = System.nanoTime();
        if (now - lastSkewLog >= LOG_EVERY_NANOS) {
            lastSkewLog = now;
            LOG.warn("{} {} was issued {} ms ahead of this node's clock; trusted only up to {} ms ahead (clocks out of step?)",
                kind, what, issuedAt - clock.getAsLong(), maxAheadMillis);
        }
        return bound;
    }
}
