package dev.slipway.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebianPackagesTest {

    @Test
    void downloadsOnceIntoTheCacheAndReusesTheFile(@TempDir Path cache) throws Exception {
        DebianPackages packages = DebianPackages.inCache(cache);

        Path deb = packages.download("tini");

        assertEquals(cache, deb.getParent());
        assertTrue(deb.getFileName().toString().matches("tini_.+_[a-z0-9]+\\.deb"), deb.toString());
        assertEquals("tini", CommandLine.of("dpkg-deb", "--field", deb.toString(), "Package")
                .run(Duration.ofSeconds(30)).requireSuccess().stdout().strip());
        Object inode = Files.getAttribute(deb, "unix:ino");

        Path again = packages.download("tini");

        assertEquals(deb, again);
        assertEquals(inode, Files.getAttribute(again, "unix:ino"), "a second download replaced the cached file");
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(1, files.count(), "only the .deb stays in the cache");
        }
    }

    @Test
    void extractsThePackageFilesIntoTheTarget(@TempDir Path target) {
        DebianPackages.inDefaultCache().extract("tini", target);

        Path tiniStatic = target.resolve("usr/bin/tini-static");
        assertTrue(Files.isExecutable(tiniStatic), "missing " + tiniStatic);
        String version = CommandLine.of(tiniStatic.toString(), "--version")
                .run(Duration.ofSeconds(10)).requireSuccess().stdout();
        assertTrue(version.startsWith("tini version "), version);
    }

    @Test
    void anUnknownPackageFailsWithAptsOwnExplanation(@TempDir Path cache) {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> DebianPackages.inCache(cache).download("slipway-no-such-package"));

        assertTrue(failure.getMessage().contains("Unable to locate package slipway-no-such-package"),
                failure.getMessage());
    }

    @Test
    void refusesNamesThatAreNotDebianPackageNames() {
        assertThrows(IllegalArgumentException.class, () -> DebianPackages.inDefaultCache().download("tini; rm -rf /"));
        assertThrows(IllegalArgumentException.class, () -> DebianPackages.inDefaultCache().download("Tini"));
    }
}
