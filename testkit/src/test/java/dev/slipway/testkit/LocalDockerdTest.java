package dev.slipway.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A private dockerd running containers from the busybox/tini rootfs, as Slipway's image tests will. */
class LocalDockerdTest {

    private static final String IMAGE = "slipway-test/busybox-tini:1";
    private static final String APP_USER = BusyboxTiniRootfs.APP_UID + ":" + BusyboxTiniRootfs.APP_GID;

    @TempDir
    static Path work;
    static Path rootfsTar;
    static LocalDockerd dockerd;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void startDaemonWithTheRootfsImported() {
        rootfsTar = BusyboxTiniRootfs.create(work.resolve("rootfs")).writeTar(work.resolve("rootfs.tar"));
        dockerd = LocalDockerd.start();
        dockerd.docker("import", rootfsTar.toString(), IMAGE).requireSuccess();
    }

    @AfterAll
    static void stopDaemon() {
        if (dockerd != null) {
            dockerd.close();
        }
    }

    @Test
    void answersOnItsOwnShortSocket() {
        assertTrue(Files.exists(dockerd.socketPath()));
        assertTrue(dockerd.socketPath().toString().length() < 40, dockerd.socketPath().toString());
        assertEquals("unix://" + dockerd.socketPath(), dockerd.dockerHost());
        assertEquals("vfs", dockerd.docker("info", "--format", "{{.Driver}}").requireSuccess().stdout().strip());
        assertEquals(dockerd.socketPath().getParent().resolve("data").toString(),
                dockerd.docker("info", "--format", "{{.DockerRootDir}}").requireSuccess().stdout().strip());
    }

    @Test
    void runsTheRootfsAsAppuserUnderTini() {
        CommandResult id = dockerd.docker("run", "--rm", "--network", "host", "--user", APP_USER,
                "--entrypoint", BusyboxTiniRootfs.TINI, IMAGE, "--", "sh", "-c", "id -u; id -g; id -un")
                .requireSuccess();
        assertEquals("10001\n10001\nappuser\n", id.stdout());

        CommandResult pid1 = dockerd.docker("run", "--rm", "--network", "host", "--user", APP_USER,
                "--entrypoint", BusyboxTiniRootfs.TINI, IMAGE, "--", "cat", "/proc/1/cmdline").requireSuccess();
        assertEquals(BusyboxTiniRootfs.TINI, pid1.stdout().split("\0")[0], "PID 1 must be tini");
    }

    @Test
    void givesAppuserAWritableTmpButNotTheRoot() {
        CommandResult writes = dockerd.docker("run", "--rm", "--network", "none", "--user", APP_USER, IMAGE,
                "sh", "-c", "echo x > /tmp/ok && echo tmp-ok; echo x > /etc/no 2>/dev/null || echo etc-refused");
        assertEquals("tmp-ok\netc-refused\n", writes.requireSuccess().stdout());
    }

    @Test
    void busyboxHttpdServesAFileOnHostLoopback(@TempDir Path site) throws Exception {
        Files.writeString(site.resolve("index.html"), "served by slipway testkit\n");
        CommandLine.of("chmod", "-R", "a+rX", site.toString()).run(Duration.ofSeconds(5)).requireSuccess();
        int port = FreePort.onLoopback();
        String container = dockerd.docker("run", "--detach", "--network", "host", "--user", APP_USER,
                "--volume", site + ":/www:ro", "--entrypoint", BusyboxTiniRootfs.TINI, IMAGE,
                "--", "httpd", "-f", "-p", "127.0.0.1:" + port, "-h", "/www")
                .requireSuccess().stdout().strip();
        try {
            HttpResponse<String> page = getWithRetry("http://127.0.0.1:" + port + "/index.html",
                    Duration.ofSeconds(20));
            assertEquals(200, page.statusCode());
            assertEquals("served by slipway testkit\n", page.body());
        } finally {
            dockerd.docker("rm", "--force", container);
        }
    }

    @Test
    void pullsFromAnInsecureLocalRegistry() {
        try (LocalRegistry registry = LocalRegistry.start();
                LocalDockerd puller = LocalDockerd.builder().insecureRegistry(registry.host()).start()) {
            String remote = registry.host() + "/slipway-test/busybox-tini:1";
            dockerd.docker("tag", IMAGE, remote).requireSuccess();
            dockerd.docker("push", remote).requireSuccess();

            CommandResult run = puller.docker("run", "--rm", "--network", "host", "--user", APP_USER, remote, "id",
                    "-un");

            assertEquals("appuser\n", run.requireSuccess().stdout());
            assertTrue(puller.docker("info", "--format", "{{json .RegistryConfig.IndexConfigs}}")
                    .requireSuccess().stdout().contains("\"" + registry.host() + "\""));
        }
    }

    @Test
    void closeStopsTheDaemonAndRemovesItsDirectory() throws Exception {
        LocalDockerd extra = LocalDockerd.start();
        Path home = extra.socketPath().getParent();
        long pid = Long.parseLong(Files.readString(home.resolve("pid")).strip());
        assertTrue(ProcessHandle.of(pid).isPresent());

        extra.close();

        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "dockerd " + pid + " still runs");
        assertFalse(Files.exists(home), home + " left behind");
        assertEquals(java.util.List.of(), LocalDockerd.mountsUnder(home));
        assertFalse(extra.docker("version").succeeded());
    }

    @Test
    void inANetworkNamespaceItsHostNetworkIsThatNamespacesLoopback(@TempDir Path site) throws Exception {
        String namespace = "swt" + ProcessHandle.current().pid();
        CommandLine.of("ip", "netns", "add", namespace).run(Duration.ofSeconds(10)).requireSuccess();
        try {
            CommandLine.of("ip", "-n", namespace, "link", "set", "lo", "up").run(Duration.ofSeconds(10))
                    .requireSuccess();
            try (LocalDockerd isolated = LocalDockerd.builder().inNetworkNamespace(namespace).start()) {
                assertEquals(namespace, isolated.networkNamespace().orElseThrow());
                isolated.docker("import", rootfsTar.toString(), IMAGE).requireSuccess();
                Files.writeString(site.resolve("index.html"), "inside " + namespace + "\n");
                CommandLine.of("chmod", "-R", "a+rX", site.toString()).run(Duration.ofSeconds(5)).requireSuccess();
                int port = FreePort.onLoopback();
                isolated.docker("run", "--detach", "--network", "host", "--volume", site + ":/www:ro",
                        "--entrypoint", BusyboxTiniRootfs.TINI, IMAGE,
                        "--", "httpd", "-f", "-p", "127.0.0.1:" + port, "-h", "/www").requireSuccess();

                CommandResult inside = isolated.docker("run", "--rm", "--network", "host", IMAGE, "sh", "-c",
                        "for i in $(seq 50); do wget -q -O - http://127.0.0.1:" + port
                                + "/index.html && exit 0; sleep 0.2; done; exit 1");
                assertEquals("inside " + namespace + "\n", inside.requireSuccess().stdout());
                assertThrows(ConnectException.class, () -> http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html")).build(),
                        HttpResponse.BodyHandlers.ofString()),
                        "the host's loopback must not see the namespace's server");
            }
        } finally {
            CommandLine.of("ip", "netns", "delete", namespace).run(Duration.ofSeconds(10));
        }
    }

    @Test
    void refusesANamespaceThatDoesNotExist() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> LocalDockerd.builder().inNetworkNamespace("swt-missing").start());
        assertTrue(failure.getMessage().contains("ip netns add swt-missing"), failure.getMessage());
    }

    private HttpResponse<String> getWithRetry(String url, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException notYetListening) {
                if (System.nanoTime() > deadline) {
                    throw notYetListening;
                }
                Thread.sleep(100);
            }
        }
    }
}
