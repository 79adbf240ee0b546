package dev.slipway.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each probe's env-reading command, run as Docker runs it (the CMD form's argv, the container's env), against a
 * server on loopback: the exact body passes, another body or a missing path fails. The busybox probe runs with
 * busybox's own sh, wget and grep (scripts/setup.sh installs busybox-static), as in a minimal family.
 */
class HealthProbeTest {
    private static final String BUSYBOX = "/bin/busybox";

    @TempDir
    Path dir;
    HttpServer server;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        answer("/ready", "{\"status\":\"ok\"}");
        answer("/wrong", "{\"status\":\"starting\"}");
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void python3ReadsPortAndPathFromTheEnv() throws Exception {
        assertEquals(0, run(HealthProbe.PYTHON3, "/ready", System.getenv("PATH")));
        assertNotEquals(0, run(HealthProbe.PYTHON3, "/wrong", System.getenv("PATH")));
        assertNotEquals(0, run(HealthProbe.PYTHON3, "/missing", System.getenv("PATH")));
    }

    @Test
    void busyboxWgetReadsPortAndPathFromTheEnv() throws Exception {
        assertTrue(Files.isExecutable(Path.of(BUSYBOX)), BUSYBOX + " is missing: run scripts/setup.sh");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String applet : List.of("sh", "wget", "grep")) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of(BUSYBOX));
        }
        assertEquals(0, run(HealthProbe.BUSYBOX_WGET, "/ready", bin.toString()));
        assertNotEquals(0, run(HealthProbe.BUSYBOX_WGET, "/wrong", bin.toString()));
        assertNotEquals(0, run(HealthProbe.BUSYBOX_WGET, "/missing", bin.toString()));
    }

    private int run(HealthProbe probe, String path, String searchPath) throws Exception {
        List<String> test = probe.commandFromEnvironment();
        assertEquals("CMD", test.get(0));
        ProcessBuilder process = new ProcessBuilder(test.subList(1, test.size())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("probe.log").toFile());
        Map<String, String> env = process.environment();
        env.put("PATH", searchPath);
        env.put(HealthProbe.PORT_VARIABLE, Integer.toString(server.getAddress().getPort()));
        env.put(HealthProbe.PATH_VARIABLE, path);
        Process started = process.start();
        assertTrue(started.waitFor(30, TimeUnit.SECONDS), "the probe did not finish");
        return started.exitValue();
    }

    private void answer(String path, String body) {
        server.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
    }
}
