package dev.slipway.images;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.machine;
import static dev.slipway.dsl.Slipway.service;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.HealthProbe;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.model.HealthCheck;
import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.ImagePlanner;
import dev.slipway.testkit.BusyboxTiniRootfs;
import dev.slipway.testkit.FreePort;
import dev.slipway.validation.Fleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A seed-shaped fleet that really runs: a busybox/tini base family from a {@code docker save} tarball (Debian's
 * busybox-static and tini; appuser has no home directory in it), a child family with a declared file, and two busybox-httpd services serving
 * {@code /health} from {@code www/health}, one of them on two machines. Ports are free loopback ports, so a
 * pushed image can be run with {@code --network host}.
 */
final class BusyboxTestFleet {
    static final String TAG = "20260101-abcdef0";
    static final String REVISION = "abcdef0123456789abcdef0123456789abcdef01";
    static final MachineProfile ALPHA = machine("alpha").ompNumThreads(2).uvicornWorkers(2);
    static final MachineProfile BETA = machine("beta").ompNumThreads(4).uvicornWorkers(4);

    final Path dir;
    final int helloPort;
    final int helloHealthPort;
    final int echoPort;
    final int echoHealthPort;

    private BusyboxTestFleet(Path dir, int[] ports) {
        this.dir = dir;
        this.helloPort = ports[0];
        this.helloHealthPort = ports[1];
        this.echoPort = ports[2];
        this.echoHealthPort = ports[3];
    }

    /** Writes the inputs (base tarball, family file, two app dirs) into {@code dir}. */
    static BusyboxTestFleet create(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("base"));
        BusyboxTiniRootfs rootfs = BusyboxTiniRootfs.create(dir.resolve("build/rootfs"));
        // a user's tarball with appuser in /etc/passwd but no home directory: Slipway's service layer must add it
        deleteTree(rootfs.dir().resolve("home"));
        Path rootfsTar = rootfs.writeTar(dir.resolve("build/rootfs.tar"));
        DockerArchive.wrap(rootfsTar, dir.resolve("base/busybox-tini.tar"), "slipway-test/busybox-tini:base");
        deleteTree(dir.resolve("build"));
        Files.createDirectories(dir.resolve("shared"));
        Files.writeString(dir.resolve("shared/motd"), "Built by Slipway.\n");
        for (String app : List.of("hello", "echo")) {
            Path www = Files.createDirectories(dir.resolve("services").resolve(app).resolve("www"));
            Files.writeString(www.resolve("health"), HealthCheck.HEALTHY_BODY);
            Files.writeString(www.resolve("index.html"), "<h1>" + app + "</h1>\n");
        }
        Path bin = Files.createDirectories(dir.resolve("services/hello/bin"));
        Files.writeString(bin.resolve("greet"), "#!/bin/sh\necho hello\n");
        bin.resolve("greet").toFile().setExecutable(true, true);
        return new BusyboxTestFleet(dir, freePorts(4));
    }

    /** The same fleet over a copy of its inputs in another directory. */
    BusyboxTestFleet at(Path otherDir) {
        return new BusyboxTestFleet(otherDir, new int[]{helloPort, helloHealthPort, echoPort, echoHealthPort});
    }

    FleetSpec spec(String registry) {
        Family base = family("busybox-base").from(Base.tarball("base/busybox-tini.tar"))
                .healthProbe(HealthProbe.BUSYBOX_WGET);
        Family web = family("busybox-web").parent(base).files("shared/motd", "/etc/motd").env("LANG", "C.UTF-8");
        return dev.slipway.dsl.Slipway.fleet("testfleet").registry(registry).machines(ALPHA, BETA).families(base, web)
                .services(
                        service("hello").family(web).ports(helloPort, helloHealthPort).on(ALPHA)
                                .app("services/hello")
                                .command("httpd", "-f", "-p", Integer.toString(helloHealthPort), "-h", "/app/www"),
                        service("echo").family(web).ports(echoPort, echoHealthPort).on(ALPHA, BETA)
                                .app("services/echo")
                                .command("sh", "-c", "httpd -p " + echoPort + " -h /app/www && exec httpd -f -p "
                                        + echoHealthPort + " -h /app/www"));
    }

    Fleet compiled(String registry) {
        return Fleet.compile(spec(registry)).orThrow();
    }

    List<ImagePlan> plans(Fleet fleet) {
        return ImagePlanner.plan(fleet, new BuildIdentity(TAG, REVISION));
    }

    BuildRequest request(String registry, BuildTarget target, Path cache) {
        Fleet compiled = compiled(registry);
        return new BuildRequest(plans(compiled), dir, target, new SlipwayCache(cache),
                RegistryCredentials.anonymous(), 2);
    }

    private static int[] freePorts(int count) {
        int[] ports = new int[count];
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < count; i++) {
            int port;
            do {
                port = FreePort.onLoopback();
            } while (!seen.add(port));
            ports[i] = port;
        }
        return ports;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path path : walk.sorted().toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
