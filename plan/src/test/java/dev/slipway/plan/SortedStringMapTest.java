package dev.slipway.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SortedStringMapTest {
    static final Map<String, String> UNORDERED = new HashMap<>(Map.of("PATH", "/bin", "HOME", "/app", "A", "1",
            "ZED", "z", "B_2", "b"));

    @Test
    void iteratesInKeyOrderAndEqualsTheTreeMapItReplaces() {
        SortedStringMap map = SortedStringMap.copyOf(UNORDERED);
        TreeMap<String, String> tree = new TreeMap<>(UNORDERED);
        assertEquals(List.copyOf(tree.keySet()), List.copyOf(map.keySet()));
        assertEquals(List.copyOf(tree.values()), List.copyOf(map.values()));
        assertEquals(tree, map);
        assertEquals(map, tree);
        assertEquals(tree.hashCode(), map.hashCode());
        assertEquals(tree.toString(), map.toString(), "plans print their maps");
    }

    @Test
    void looksUpEveryKeyAndNothingElse() {
        SortedStringMap map = SortedStringMap.copyOf(UNORDERED);
        UNORDERED.forEach((key, value) -> assertEquals(value, map.get(key), key));
        assertEquals(5, map.size());
        assertTrue(map.containsKey("HOME"));
        assertFalse(map.containsKey("home"));
        assertNull(map.get("MISSING"));
        assertNull(map.get(42));
        assertTrue(SortedStringMap.copyOf(Map.of()).isEmpty());
    }

    @Test
    void aCopyOfOneIsItselfAndLaterChangesToTheSourceDoNotLeakIn() {
        Map<String, String> source = new TreeMap<>(UNORDERED);
        SortedStringMap map = SortedStringMap.copyOf(source);
        source.put("A", "changed");
        assertEquals("1", map.get("A"));
        assertSame(map, SortedStringMap.copyOf(map));
    }

    @Test
    void cannotBeChanged() {
        SortedStringMap map = SortedStringMap.copyOf(UNORDERED);
        assertThrows(UnsupportedOperationException.class, () -> map.put("A", "2"));
        assertThrows(UnsupportedOperationException.class, () -> map.remove("A"));
        assertThrows(UnsupportedOperationException.class, map::clear);
        assertThrows(UnsupportedOperationException.class, () -> map.entrySet().iterator().next().setValue("2"));
        assertEquals(UNORDERED, map);
    }
}
