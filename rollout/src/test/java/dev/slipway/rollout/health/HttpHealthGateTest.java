package dev.slipway.rollout.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.model.Port;
import dev.slipway.testkit.LoopbackFileServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health gate's probe against real loopback sockets: an answer, a refusal, and a server that never answers. */
class HttpHealthGateTest {

    private static HealthEndpoint endpoint(int port, String path) {
        return new HealthEndpoint(new Port(port), path);
    }

    @Test
    void aServerAnsweringOkIsHealthyAndAnyOtherAnswerIsNot(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("health"), "{\"status\":\"ok\"}\n");
        Files.writeString(root.resolve("degraded"), "{\"status\":\"degraded\"}");
        try (LoopbackFileServer server = LoopbackFileServer.serving(root)) {
            int port = URI.create(server.url()).getPort();
            HttpHealthGate gate = HttpHealthGate.standard();

            HealthAnswer ok = gate.probe("127.0.0.1", endpoint(port, "/health"));
            assertTrue(ok.healthy(), ok.describe());
            assertEquals(200, ok.status());

            HealthAnswer degraded = gate.probe("127.0.0.1", endpoint(port, "/degraded"));
            assertFalse(degraded.healthy());
            assertEquals("200 {\"status\":\"degraded\"}", degraded.describe());

            HealthAnswer missing = gate.probe("127.0.0.1", endpoint(port, "/nowhere"));
            assertFalse(missing.healthy());
            assertEquals(404, missing.status());
        }
    }

    @Test
    void aClosedPortAndASilentServerAreNoAnswersThatSayWhy() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        HttpHealthGate gate = HttpHealthGate.standard().timingOutAfter(Duration.ofMillis(300));
        HealthAnswer refused = gate.probe("127.0.0.1", endpoint(closed, "/health"));
        assertFalse(refused.healthy());
        assertTrue(refused.describe().startsWith("no answer: ConnectException"), refused.describe());

        // accepts the connection (the backlog does) and never answers
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HealthAnswer timedOut = gate.probe("127.0.0.1", endpoint(silent.getLocalPort(), "/health"));
            assertEquals("no answer: timed out after 300 ms", timedOut.describe());
        }
    }
}
