package io.edgeai.sync.edge;

import io.edgeai.sync.mqtt.Messages.Desired;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.resources.ResourceNames;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the cloud wants this node to hold of one kind, persisted in the {@link DesiredStateStore}.
 *
 * <p>Objects and manifests travel on different topics, which a broker need not keep in order; each
 * carries the time the cloud issued it. A manifest removes what it does not list and was issued
 * before it; an object issued before the latest manifest that does not list it is a stale leftover
 * and is ignored. A copy of what is already held (same uid and generation) only refreshes its time.
 */
final class DesiredSet<T extends Desired> {
    interface Listener<T> {
        void placed(T desired);

        void removed(T desired);
    }

    private final DesiredStateStore store;
    private final String kind;
    private final Listener<T> listener;
    private final Map<String, T> current = new ConcurrentHashMap<>();
    private volatile Manifest latestManifest;

    DesiredSet(DesiredStateStore store, String kind, Class<T> type, Listener<T> listener) {
        this.store = store;
        this.kind = kind;
        this.listener = listener;
        for (T saved : store.readAll(kind, type)) {
            current.put(saved.key(), saved);
        }
    }

    /**
     * A message on the object's topic: a tombstone removes it; anything else is parsed and checked by
     * {@code read} (which throws {@link RejectedMessage} for a bad one), must name the topic's object
     * with valid names, and is placed.
     */
    void receive(String key, byte[] payload, java.util.function.Function<byte[], T> read) {
        if (payload.length == 0) {
            remove(key);
            return;
        }
        T desired = read.apply(payload);
        if (!desired.key().equals(key)) {
            throw new RejectedMessage("the " + kind + " on topic " + key + " names " + desired.key());
        }
        // the names become file names in the state directory: nothing but DNS-1123 names gets there
        if (!ResourceNames.valid(desired.namespace()) || !ResourceNames.valid(desired.name())) {
            throw new RejectedMessage("the " + kind + " " + key + " has an invalid namespace or name");
        }
        put(desired);
    }

    /** A message on the manifest's topic; a cleared manifest topic changes nothing. */
    void receiveManifest(byte[] payload) {
        if (payload.length > 0) {
            apply(io.edgeai.sync.mqtt.Json.read(payload, Manifest.class, kind + " manifest"));
        }
    }

    synchronized void put(T desired) {
        String key = desired.key();
        Manifest manifest = latestManifest;
        if (manifest != null && desired.issuedAt() < manifest.issuedAt() && !manifest.items().contains(key)) {
            return;
        }
        T previous = current.get(key);
        if (previous != null && previous.issuedAt() > desired.issuedAt()) {
            return; // an older copy arriving late
        }
        store.write(kind, key, desired);
        current.put(key, desired);
        if (!desired.sameAs(previous)) {
            listener.placed(desired); // a re-sent copy (a resync, a reconnect) changes nothing but its time
        }
    }

    synchronized void remove(String key) {
        T gone = current.remove(key);
        if (gone != null) {
            store.delete(kind, key);
            listener.removed(gone);
        }
    }

    synchronized void apply(Manifest manifest) {
        if (latestManifest != null && latestManifest.issuedAt() > manifest.issuedAt()) {
            return;
        }
        latestManifest = manifest;
        Set<String> listed = new HashSet<>(manifest.items());
        for (T held : current.values()) {
            if (!listed.contains(held.key()) && held.issuedAt() < manifest.issuedAt()) {
                remove(held.key());
            }
        }
    }

    Optional<T> get(String key) {
        return Optional.ofNullable(current.get(key));
    }

    Collection<T> all() {
        return current.values();
    }
}
