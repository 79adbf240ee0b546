package dev.slipway.runner;

import dev.slipway.testkit.BusyboxTiniRootfs;
import dev.slipway.testkit.LocalDockerd;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test fleets' root base: busybox and tini from Debian's packages, written as a {@code docker save} tarball at
 * {@code base/busybox-tini.tar} below a fleet directory (what {@code Base.tarball("base/busybox-tini.tar")} reads).
 * An engine turns the rootfs into an image and saves it, then forgets it again.
 */
final class BusyboxBase {
    static final String PATH = "base/busybox-tini.tar";
    private static final String TAG = "slipway-test/busybox-tini:base";

    private BusyboxBase() {
    }

    static Path writeInto(Path fleetDirectory, LocalDockerd engine) throws Exception {
        Path rootfs = BusyboxTiniRootfs.create(fleetDirectory.resolve("build/rootfs"))
                .writeTar(fleetDirectory.resolve("build/rootfs.tar"));
        Path tarball = fleetDirectory.resolve(PATH);
        Files.createDirectories(tarball.getParent());
        engine.docker("import", rootfs.toString(), TAG).requireSuccess();
        engine.docker("save", "-o", tarball.toString(), TAG).requireSuccess();
        engine.docker("rmi", TAG).requireSuccess();
        return tarball;
    }
}
