package dev.slipway.packages.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed indexes against archives made and signed with Debian's tools (apt-ftparchive, gpg, xz), and Debian's real
 * keyring against real InRelease files of bookworm (saved from apt's lists).
 */
class SignedIndexTest {

    @TempDir
    static Path keys;
    static SignedTestArchive archive;
    static SignedTestArchive stranger;

    @TempDir
    Path mirror;

    @BeforeAll
    static void makeKeys() throws Exception {
        archive = SignedTestArchive.newKey(Files.createDirectories(keys.resolve("archive")), "default", "never", null);
        stranger = SignedTestArchive.newKey(Files.createDirectories(keys.resolve("stranger")), "ed25519", "never",
                null);
    }

    @AfterAll
    static void stopAgents() throws Exception {
        archive.close();
        stranger.close();
    }

    private DebianSource source() {
        return DebianSource.archive(mirror.toString(), "bookworm", List.of("main"), "amd64");
    }

    private IndexRefusedException refused(IndexCheck check) {
        return assertThrows(IndexRefusedException.class, () -> PackageIndex.load(source(), check));
    }

    @Test
    void inReleaseSignedByTheKeyringIsReadAndTheLockNamesTheSigner() throws Exception {
        archive.publish(mirror, "bookworm", ResolverTest.INDEX, null, true, false);
        PackageIndex index = PackageIndex.load(source(), IndexCheck.signedBy(archive.keyring));
        assertEquals(PackageIndex.of(ResolverTest.SOURCE, PackageIndex.parse(ResolverTest.INDEX)).size(), index.size());
        assertEquals(IndexProvenance.signed(List.of(archive.fingerprint)), index.provenance());

        DebianLock lock = new Resolver(index).resolve("base-python", List.of("app")).toLock();
        String text = lock.write();
        assertTrue(text.startsWith("# slipway debian lock v2\n"), text);
        assertTrue(text.contains("\nindex signed " + archive.fingerprint + "\n"), text);
        assertEquals(lock, DebianLock.parse(text));
    }

    @Test
    void releaseWithDetachedSignatureIsRead() throws Exception {
        archive.publish(mirror, "bookworm", ResolverTest.INDEX, null, false, true);
        PackageIndex index = PackageIndex.load(source(), IndexCheck.signedBy(archive.keyring));
        assertEquals(List.of(archive.fingerprint), index.provenance().fingerprints());
    }

    @Test
    void ed25519KeysVerifyToo() throws Exception {
        stranger.publish(mirror, "bookworm", ResolverTest.INDEX, null, true, true);
        assertEquals(List.of(stranger.fingerprint),
                PackageIndex.load(source(), IndexCheck.signedBy(stranger.keyring)).provenance().fingerprints());
    }

    @Test
    void tamperedPackagesFileIsRefusedNamingMirrorAndFile() throws Exception {
        Path dists = archive.publish(mirror, "bookworm", ResolverTest.INDEX, null, true, false);
        // the mirror swaps in another index, validly compressed, after the Release was signed
        Path binary = dists.resolve("main/binary-amd64");
        Files.writeString(binary.resolve("Packages"), ResolverTest.INDEX.replace("2.36-9+deb12u10", "2.36-9+evil01"));
        Files.delete(binary.resolve("Packages.xz"));
        SignedTestArchive.gpg(archive.gnupgHome, binary, "xz", "Packages");
        IndexRefusedException e = refused(IndexCheck.signedBy(archive.keyring));
        assertTrue(e.getMessage().startsWith("Debian mirror " + mirror.toUri()), e.getMessage());
        assertTrue(e.getMessage().contains("dists/bookworm/main/binary-amd64/Packages.xz has"), e.getMessage());
        assertTrue(e.getMessage().contains("tampered"), e.getMessage());
    }

    @Test
    void packagesFileLongerThanTheReleaseSaysIsRefused() throws Exception {
        Path dists = archive.publish(mirror, "bookworm", ResolverTest.INDEX, null, true, false);
        Path xz = dists.resolve("main/binary-amd64/Packages.xz");
        Files.write(xz, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        IndexRefusedException e = refused(IndexCheck.signedBy(archive.keyring));
        assertTrue(e.getMessage().contains("longer than the"), e.getMessage());
    }

    @Test
    void inReleaseChangedAfterSigningIsABadSignature() throws Exception {
        Path dists = archive.publish(mirror, "bookworm", ResolverTest.INDEX, null, true, false);
        Path inRelease = dists.resolve("InRelease");
        String text = Files.readString(inRelease);
        // point the Release at a file of the mirror's choosing: the signature no longer covers the text
        String forged = text.replaceFirst("(?m)^ ([0-9a-f]{64}) (\\s*\\d+) main/binary-amd64/Packages.xz$",
                " " + "0".repeat(64) + " $2 main/binary-amd64/Packages.xz");
        assertTrue(!forged.equals(text), "the Release lists Packages.xz with its SHA-256");
        Files.writeString(inRelease, forged);
        IndexRefusedException e = refused(IndexCheck.signedBy(archive.keyring));
        assertTrue(e.getMessage().contains("InRelease: no valid signature by a key in keyring " + archive.keyring),
                e.getMessage());
        assertTrue(e.getMessage().contains("BAD signature by key " + archive.fingerprint), e.getMessage());
    }

    @Test
    void unsignedTextOutsideTheSignatureIsRefused() throws Exception {
        Path dists = archive.publish(mirror, "bookworm", ResolverTest.INDEX, null, true, false);
        Files.writeString(dists.resolve("InRelease"), "Valid-Until: Sat, 01 Jan 2050 00:00:00 UTC\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertTrue(refused(IndexCheck.signedBy(archive.keyring)).getMessage().contains("text after its signature"));
    }

    @Test
    void signatureByAKeyOutsideTheKeyringIsRefused() throws Exception {
        stranger.publish(mirror, "bookworm", ResolverTest.INDEX, null, true, false);
        IndexRefusedException e = refused(IndexCheck.signedBy(archive.keyring));
        assertTrue(e.getMessage().contains("which is not in the keyring"), e.getMessage());
    }

    @Test
    void expiredReleaseIsRefused() throws Exception {
        archive.publish(mirror, "bookworm", ResolverTest.INDEX, -86_400, true, false);
        IndexRefusedException e = refused(IndexCheck.signedBy(archive.keyring));
        assertTrue(e.getMessage().contains("Release expired at "), e.getMessage());
        assertTrue(e.getMessage().contains("(Valid-Until); the mirror is stale or is replaying an old index"),
                e.getMessage());
        // two days ago, before its Valid-Until, the same Release was good
        Clock before = Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC);
        assertEquals(IndexProvenance.Kind.SIGNED, PackageIndex.load(source(), IndexCheck.signedBy(archive.keyring),
                Mirror.defaultClient(), before).provenance().kind());
    }

    @Test
    void signatureByAnExpiredKeyIsRefused(@TempDir Path home) throws Exception {
        SignedTestArchive old = SignedTestArchive.newKey(home, "default", "1d", "20200101T000000");
        try {
            old.publish(mirror, "bookworm", ResolverTest.INDEX, null, true, false);
            IndexRefusedException e = refused(IndexCheck.signedBy(old.keyring));
            assertTrue(
                    e.getMessage().contains("good signature by key " + old.fingerprint + ", but that key expired at"),
                    e.getMessage());
        } finally {
            old.close();
        }
    }

    @Test
    void releaseOfAnotherSuiteIsRefused() throws Exception {
        Path dists = archive.publish(mirror, "trixie", ResolverTest.INDEX, null, true, false);
        // a mirror answering bookworm with trixie's signed files
        Files.move(dists, mirror.resolve("dists/bookworm"));
        IndexRefusedException e = refused(IndexCheck.signedBy(archive.keyring));
        assertTrue(e.getMessage().contains("Release is for suite trixie"), e.getMessage());
    }

    @Test
    void anIndexWithoutAnySignatureIsReadOnlyWhenNamedUnsigned() throws Exception {
        Path binary = Files.createDirectories(mirror.resolve("dists/bookworm/main/binary-amd64"));
        Files.writeString(binary.resolve("Packages"), ResolverTest.INDEX);
        IndexRefusedException e = refused(IndexCheck.signedBy(archive.keyring));
        assertInstanceOf(IndexRefusedException.Unsigned.class, e);
        assertTrue(e.getMessage().contains("no InRelease and no Release"), e.getMessage());

        PackageIndex index = PackageIndex.load(source(), IndexCheck.unsigned());
        assertEquals(IndexProvenance.UNSIGNED, index.provenance());
        String lock = new Resolver(index).resolve("f", List.of("app")).toLock().write();
        assertTrue(lock.contains("\nindex unsigned\n"), lock);
    }

    @Test
    void aReleaseWithoutSignatureIsRefused() throws Exception {
        Path dists = archive.publish(mirror, "bookworm", ResolverTest.INDEX, null, false, true);
        Files.delete(dists.resolve("Release.gpg"));
        IndexRefusedException e = refused(IndexCheck.signedBy(archive.keyring));
        assertTrue(e.getMessage().contains("no InRelease and no Release.gpg"), e.getMessage());
    }

    @Test
    void aFlatRepositoryWithItsOwnInReleaseIsVerifiedToo() throws Exception {
        Files.writeString(mirror.resolve("Packages"), ResolverTest.INDEX);
        Files.writeString(mirror.resolve("Release"), SignedTestArchive.gpg(archive.gnupgHome, mirror, "apt-ftparchive",
                "release", "."));
        archive.sign(mirror, true, false);
        DebianSource flat = DebianSource.flat(mirror.toString(), "amd64");
        assertEquals(List.of(archive.fingerprint),
                PackageIndex.load(flat, IndexCheck.signedBy(archive.keyring)).provenance().fingerprints());

        Files.writeString(mirror.resolve("Packages"), ResolverTest.INDEX.replace("Size: 100", "Size: 101"));
        IndexRefusedException e = assertThrows(IndexRefusedException.class,
                () -> PackageIndex.load(flat, IndexCheck.signedBy(archive.keyring)));
        assertTrue(e.getMessage().contains(mirror.toUri() + "Packages has SHA-256"), e.getMessage());
    }

    @Test
    void missingKeyringIsNamed() {
        Path none = mirror.resolve("no-such-keyring.gpg");
        IOException e = assertThrows(IOException.class, () -> PackageIndex.load(source(), IndexCheck.signedBy(none)));
        assertTrue(e.getMessage().contains(none.toString()), e.getMessage());
    }

    // ---- Debian's real keyring and real InRelease files -------------------------------------------------------

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SignedIndexTest.class.getResourceAsStream("/debian/" + name)) {
            return in.readAllBytes();
        }
    }

    private Path realMirror(String suite, byte[] inRelease) throws IOException {
        Path dists = Files.createDirectories(mirror.resolve("dists").resolve(suite));
        Files.write(dists.resolve("InRelease"), inRelease);
        return dists;
    }

    private static ArchiveKeyring debianKeyring() throws IOException {
        assumeTrue(Files.isRegularFile(IndexCheck.DEBIAN_ARCHIVE_KEYRING), "debian-archive-keyring is not installed");
        return ArchiveKeyring.read(IndexCheck.DEBIAN_ARCHIVE_KEYRING);
    }

    private static Instant dateOf(byte[] inRelease) {
        String text = new String(inRelease, StandardCharsets.UTF_8);
        String date = text.lines().filter(l -> l.startsWith("Date: ")).findFirst().orElseThrow().substring(6);
        return ReleaseFile.time(date);
    }

    @Test
    void debiansKeyringVerifiesTheRealBookwormInRelease() throws Exception {
        ArchiveKeyring keyring = debianKeyring();
        byte[] real = resource("bookworm_InRelease");
        realMirror("bookworm", real);
        DebianSource bookworm = DebianSource.archive(mirror.toString(), "bookworm", List.of("main"), "amd64");
        VerifiedRelease release = VerifiedRelease.fetch(new Mirror(Mirror.defaultClient()), bookworm, keyring,
                dateOf(real).plus(Duration.ofDays(1)));
        // the bookworm archive key (signing subkey 4CB50190…) and the stable release key (ed25519), as gpgv reports
        assertTrue(release.signers().containsAll(List.of("B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8",
                "4D64FEC119C2029067D6E791F8D2585B8783D481")), release.signers().toString());
        assertEquals("bookworm", release.release().codename().orElseThrow());
        ReleaseFile.Entry packages = release.release().sha256().get("main/binary-amd64/Packages.xz");
        assertTrue(packages.size() > 1_000_000, packages.toString());
        assertTrue(release.release().acquireByHash());
    }

    @Test
    void aChangedCopyOfTheRealInReleaseFailsDebiansKeyring() throws Exception {
        ArchiveKeyring keyring = debianKeyring();
        String text = new String(resource("bookworm_InRelease"), StandardCharsets.UTF_8);
        String changed = text.replaceFirst("(?m)^ [0-9a-f]{64}( +\\d+ main/binary-amd64/Packages.xz)$",
                " " + "ab".repeat(32) + "$1");
        assertTrue(!changed.equals(text));
        realMirror("bookworm", changed.getBytes(StandardCharsets.UTF_8));
        DebianSource bookworm = DebianSource.archive(mirror.toString(), "bookworm", List.of("main"), "amd64");
        IndexRefusedException e = assertThrows(IndexRefusedException.class, () -> VerifiedRelease.fetch(
                new Mirror(Mirror.defaultClient()), bookworm, keyring, dateOf(text.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("BAD signature by key B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8"),
                e.getMessage());
    }

    @Test
    void theRealSecurityInReleaseExpiresAtItsValidUntil() throws Exception {
        ArchiveKeyring keyring = debianKeyring();
        byte[] real = resource("bookworm-security_InRelease");
        realMirror("bookworm-security", real);
        DebianSource security = DebianSource.archive(mirror.toString(), "bookworm-security", List.of("main"), "amd64");
        Mirror files = new Mirror(Mirror.defaultClient());
        VerifiedRelease fresh = VerifiedRelease.fetch(files, security, keyring, dateOf(real));
        Instant validUntil = fresh.release().validUntil().orElseThrow();
        IndexRefusedException e = assertThrows(IndexRefusedException.class,
                () -> VerifiedRelease.fetch(files, security, keyring, validUntil.plusSeconds(1)));
        assertTrue(e.getMessage().contains("Release expired at " + validUntil), e.getMessage());
    }
}
