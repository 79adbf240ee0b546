package dev.slipway.packages.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelationTest {

    @Test
    void parsesAlternativesQualifiersAndConstraints() {
        List<List<Relation>> f = Relation.parseField(
                "libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0, python3:any (>= 3.11~) , libfoo (<< 2), bar [amd64]");
        assertEquals(5, f.size());
        assertEquals("libc6 (>= 2.34)", f.get(0).get(0).toString());
        assertEquals(2, f.get(1).size());
        assertEquals("debconf-2.0", f.get(1).get(1).name());
        assertEquals("any", f.get(2).get(0).archQualifier());
        assertEquals(Relation.Operator.LT, f.get(3).get(0).constraint().orElseThrow().operator());
        assertEquals("bar", f.get(4).get(0).name());
    }

    @Test
    void refusesGarbage() {
        assertThrows(IllegalArgumentException.class, () -> Relation.parse("libc6 (~= 2)"));
        assertThrows(IllegalArgumentException.class, () -> Relation.parse("Lib C"));
    }
}
