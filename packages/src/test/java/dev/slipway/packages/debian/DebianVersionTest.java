package dev.slipway.packages.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class DebianVersionTest {

    private static int cmp(String a, String b) {
        return Integer.signum(DebianVersion.parse(a).compareTo(DebianVersion.parse(b)));
    }

    @Test
    void knownOrderings() {
        assertEquals(-1, cmp("1.0~rc1", "1.0"));
        assertEquals(-1, cmp("1.0", "1.0+b1"));
        assertEquals(-1, cmp("1.0~~", "1.0~"));
        assertEquals(1, cmp("1:0.1", "9.9"));
        assertEquals(0, cmp("1.0", "1.00"));
        assertEquals(0, cmp("1.0", "1.0-0"));
        assertEquals(-1, cmp("2.36-9", "2.36-9+deb12u10"));
        assertEquals(-1, cmp("3.11.2-6", "3.11.2-6+deb12u6"));
        assertEquals(1, cmp("1.0a", "1.0"));
        assertEquals(-1, cmp("1.0-1", "1.0.1-1"));
    }

    @Test
    void parsesEpochUpstreamRevision() {
        DebianVersion v = DebianVersion.parse("1:1.35.0-4+deb12u1+b1");
        assertEquals(1, v.epoch());
        assertEquals("1.35.0", v.upstream());
        assertEquals("4+deb12u1+b1", v.revision());
        assertEquals("1:1.35.0-4+deb12u1+b1", v.toString());
        assertEquals("1.2-3-4",
                DebianVersion.parse("1.2-3-4").upstream() + "-" + DebianVersion.parse("1.2-3-4").revision());
        assertThrows(IllegalArgumentException.class, () -> DebianVersion.parse("x:1"));
        assertThrows(IllegalArgumentException.class, () -> DebianVersion.parse("1.0 2"));
    }

    @Provide
    Arbitrary<String> versions() {
        Arbitrary<String> epoch = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.integers().between(0, 3).map(e -> e + ":"));
        Arbitrary<String> tail = Arbitraries.strings().withChars("0123456789abzAZ.+~").ofMaxLength(6);
        Arbitrary<String> upstream = Combinators
                .combine(Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(3), tail)
                .as(String::concat);
        Arbitrary<String> revision = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.strings().withChars("0123456789ab.+~").ofMinLength(1).ofMaxLength(5).map(r -> "-" + r));
        return Combinators.combine(epoch, upstream, revision).as((e, u, r) -> e + u + r);
    }

    /** The reference: dpkg itself. */
    private static boolean dpkgSays(String a, String op, String b) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("dpkg", "--compare-versions", a, op, b).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return p.exitValue() == 0;
    }

    @Property(tries = 300)
    void ordersExactlyLikeDpkg(@ForAll("versions") String a, @ForAll("versions") String b) throws Exception {
        int expected = dpkgSays(a, "lt", b) ? -1 : dpkgSays(a, "eq", b) ? 0 : 1;
        assertEquals(expected, cmp(a, b), a + " vs " + b);
    }

    @Property(tries = 200)
    void nearVersionsOrderLikeDpkg(@ForAll("versions") String a) throws Exception {
        // versions that differ only in a tilde or suffix are where implementations go wrong
        for (String b : new String[]{a + "~", a + "+b1", a + "~~", a + "0", a + ".0"}) {
            int expected = dpkgSays(a, "lt", b) ? -1 : dpkgSays(a, "eq", b) ? 0 : 1;
            assertEquals(expected, cmp(a, b), a + " vs " + b);
        }
    }
}
