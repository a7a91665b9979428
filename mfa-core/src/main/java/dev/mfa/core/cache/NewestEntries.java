package dev.mfa.core.cache;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * A small in-memory cache that keeps the newest entries: at most {@code maxEntries}, and when full the entry put
 * longest ago makes room (O(1)). Made for entries that are needed again soon after they are put or not at all (a
 * sign-in's second call), where the newest are the ones worth keeping. Thread-safe; {@code maxEntries} 0 or less
 * keeps nothing. Counts hits and misses for tests and benchmarks.
 */
public final class NewestEntries<K, V> {

    /** Insertion order, bounded: the eldest entry goes when a new one would exceed the bound. Guarded by itself. */
    private final LinkedHashMap<K, V> entries;

    private final int maxEntries;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public NewestEntries(int maxEntries) {
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > maxEntries;
            }
        };
    }

    public boolean enabled() {
        return maxEntries > 0;
    }

    /**
     * The entry for {@code key} if it is held and {@code usable} accepts it (else null). An entry that is held but
     * {@code live} rejects (expired) is removed.
     */
    public V get(K key, Predicate<V> live, Predicate<V> usable) {
        V found = null;
        if (enabled()) {
            synchronized (entries) {
                found = entries.get(key);
                if (found != null && !live.test(found)) {
                    entries.remove(key);
                    found = null;
                }
            }
        }
        if (found == null || !usable.test(found)) {
            misses.increment();
            return null;
        }
        hits.increment();
        return found;
    }

    public void put(K key, V value) {
        if (enabled()) {
            synchronized (entries) {
                entries.put(key, value);
            }
        }
    }

    public void remove(K key) {
        if (enabled()) {
            synchronized (entries) {
                entries.remove(key);
            }
        }
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
