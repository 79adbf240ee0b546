package dev.slipway.rollout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostEndpointTest {

    @Test
    void aUnixSocketHostProbesLoopbackByDefault() {
        HostEndpoint host = HostEndpoint.parse("mainpc=unix:///run/docker.sock");
        assertEquals("mainpc", host.machine());
        assertEquals("unix:///run/docker.sock", host.engine().toString());
        assertEquals("127.0.0.1", host.address());
        assertEquals(Optional.empty(), host.tlsDirectory());
    }

    @Test
    void aTcpHostProbesItsOwnHostAndMayUseTls() {
        HostEndpoint host = HostEndpoint.parse("pc2=tcp://192.168.1.20:2376,tls=/etc/certs");
        assertEquals("192.168.1.20", host.address());
        assertEquals(Optional.of(Path.of("/etc/certs")), host.tlsDirectory());
        assertEquals("198.18.0.2", HostEndpoint.parse("pc2=unix:///s.sock,address=198.18.0.2").address());
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HostEndpoint.parse("unix:///x.sock"))
                .getMessage().contains("NAME=ENGINE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HostEndpoint.parse("pc2=http://x:1"))
                .getMessage().contains("unix:///PATH or tcp://HOST:PORT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HostEndpoint.parse("pc2=unix:///x,tls=/c"))
                .getMessage().contains("tls= only applies to a tcp:// engine"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HostEndpoint.parse("pc2=tcp://x:1,color=red"))
                .getMessage().contains("unknown setting 'color=red'"));
    }

    @Test
    void aHostsFileSkipsCommentsAndResolvesTlsBesideItself(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hosts.txt");
        Files.writeString(file, "# machines\n\nmainpc=unix:///run/docker.sock\npc2=tcp://pc2:2376,tls=certs/pc2\n");
        List<HostEndpoint> hosts = HostsFile.read(file);
        assertEquals(List.of("mainpc", "pc2"), hosts.stream().map(HostEndpoint::machine).toList());
        assertEquals(Optional.of(dir.resolve("certs/pc2")), hosts.get(1).tlsDirectory());

        Files.writeString(file, "mainpc=unix:///run/docker.sock\nbroken\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HostsFile.read(file)).getMessage()
                .contains("hosts.txt:2:"));
    }
}
