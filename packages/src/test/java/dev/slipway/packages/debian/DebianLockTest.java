package dev.slipway.packages.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DebianLockTest {

    @Test
    void roundTripsByteForByte() {
        DebianLock lock = new Resolver(PackageIndex.of(ResolverTest.SOURCE, PackageIndex.parse(ResolverTest.INDEX)))
                .resolve("base-python", List.of("app")).toLock();
        String text = lock.write();
        assertTrue(text.startsWith(
                "# slipway debian lock v1\nfamily base-python\nsource http://deb.example/debian/ bookworm main amd64\n"),
                text);
        assertTrue(text.contains("\npackage libc6 2.36-9+deb12u10 amd64 100 "), text);
        DebianLock back = DebianLock.parse(text);
        assertEquals(lock, back);
        assertEquals(text, back.write());
    }

    @Test
    void flatSourcesRoundTrip() {
        DebianSource flat = DebianSource.flat("/srv/repo", "amd64");
        DebianLock lock = new DebianLock("f", flat, List.of());
        assertEquals(flat, DebianLock.parse(lock.write()).source());
    }

    @Test
    void reportsEveryBadLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DebianLock.parse(
                "family x\nsource http://deb.example/debian bookworm main amd64\npackage a 1.0 amd64 1 nothex a.deb\npackage b\n"));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("line 4"), e.getMessage());
    }

    @Test
    void v2RecordsHowTheIndexWasCheckedAndV1LocksStillRead() {
        String v1 = "# slipway debian lock v1\nfamily f\nsource file:.debian-repo/ ./ amd64\n"
                + "# package NAME VERSION ARCH SIZE SHA256 FILENAME\n";
        DebianLock old = DebianLock.parse(v1);
        assertEquals(IndexProvenance.UNRECORDED, old.provenance());
        assertEquals(v1, old.write());

        DebianLock unsigned = new DebianLock("f", old.source(), IndexProvenance.UNSIGNED, List.of());
        assertEquals("# slipway debian lock v2\nfamily f\nsource file:.debian-repo/ ./ amd64\nindex unsigned\n"
                + "# package NAME VERSION ARCH SIZE SHA256 FILENAME\n", unsigned.write());
        assertEquals(unsigned, DebianLock.parse(unsigned.write()));

        String fpr = "4D64FEC119C2029067D6E791F8D2585B8783D481";
        DebianLock signed = new DebianLock("f", ResolverTest.SOURCE, IndexProvenance.signed(List.of(fpr)), List.of());
        assertTrue(signed.write().contains("\nindex signed " + fpr + "\n"), signed.write());
        assertEquals(signed, DebianLock.parse(signed.write()));
    }

    @Test
    void refusesANewerFormatAndABadIndexLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DebianLock.parse(
                "# slipway debian lock v3\nfamily f\nsource file:r/ ./ amd64\nindex signed nothex\n"));
        assertTrue(e.getMessage().contains("line 1: lock format v3 is newer"), e.getMessage());
        assertTrue(e.getMessage().contains("line 4: invalid key fingerprint 'NOTHEX'"), e.getMessage());
    }
}
