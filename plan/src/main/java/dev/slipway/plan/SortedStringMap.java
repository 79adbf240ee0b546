package dev.slipway.plan;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable string map that iterates in key order, kept as two sorted arrays: a plan holds three per image,
 * so a large fleet holds hundreds of thousands. Copying one is free, which lets images on one machine share its
 * profile.
 */
final class SortedStringMap extends AbstractMap<String, String> {
    private final String[] keys;
    private final String[] values;

    private SortedStringMap(String[] keys, String[] values) {
        this.keys = keys;
        this.values = values;
    }

    /** The map itself if it already is one, else a copy in key order (null keys refused, as by a TreeMap). */
    static SortedStringMap copyOf(Map<String, String> map) {
        if (map instanceof SortedStringMap sorted) {
            return sorted;
        }
        SortedMap<String, String> ordered = map instanceof SortedMap<String, String> s && s.comparator() == null
                ? s
                : new TreeMap<>(map);
        String[] keys = new String[ordered.size()];
        String[] values = new String[keys.length];
        int i = 0;
        for (Map.Entry<String, String> entry : ordered.entrySet()) {
            keys[i] = entry.getKey();
            values[i] = entry.getValue();
            i++;
        }
        return new SortedStringMap(keys, values);
    }

    private int indexOf(Object key) {
        return key instanceof String k ? Arrays.binarySearch(keys, k) : -1;
    }

    @Override
    public String get(Object key) {
        int i = indexOf(key);
        return i >= 0 ? values[i] : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.length;
                    }

                    @Override
                    public Map.Entry<String, String> next() {
                        if (next >= keys.length) {
                            throw new NoSuchElementException();
                        }
                        Map.Entry<String, String> entry = new SimpleImmutableEntry<>(keys[next], values[next]);
                        next++;
                        return entry;
                    }
                };
            }

            @Override
            public int size() {
                return keys.length;
            }
        };
    }
}
