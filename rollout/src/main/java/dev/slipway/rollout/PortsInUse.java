package dev.slipway.rollout;

import dev.slipway.model.Port;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of a machine's ports something already listens on, found by a TCP connect to {@code address:port}: an
 * accepted connection means a listener. Chosen over a helper container on the host network (an image, a create, a
 * start and a remove per check on every engine) because it costs one round trip; it misses only a listener bound
 * to the remote machine's loopback alone, which the health gate's restart check then catches.
 */
final class PortsInUse {
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);

    private PortsInUse() {
    }

    /** The ports of {@code ports} that accept a connection on {@code address}. */
    static List<Port> among(String address, List<Port> ports) {
        List<Port> held = new ArrayList<>();
        for (Port port : ports) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port.number()), (int) CONNECT_TIMEOUT.toMillis());
                held.add(port);
            } catch (ConnectException | SocketTimeoutException refusedOrFiltered) {
                // nobody listens there (or a firewall drops it, which the gate will show)
            } catch (IOException e) {
                // no route or similar: not a listener we could collide with from here
            }
        }
        return held;
    }
}
