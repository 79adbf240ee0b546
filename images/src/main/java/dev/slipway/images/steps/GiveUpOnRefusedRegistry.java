package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.LogEvent;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Bounds Jib's retries when the registry is gone. jib-core 0.27 retries every failed registry request ten times with
 * exponential backoff (0.5 s growing by 1.5x: 43-61 s in all), and offers no setting for it. When Jib announces a
 * retry ("... failed and will be retried"), this connects to the registry itself; if the connection is refused on
 * every port the push could use, it interrupts the retrying thread, which ends Jib's backoff: the request is tried
 * {@value #ATTEMPTS_WHEN_REFUSED} times and the build gives up within about a second. A registry that accepts the
 * connection (a transient error) keeps Jib's own retries.
 */
final class GiveUpOnRefusedRegistry implements Consumer<LogEvent> {
    static final int ATTEMPTS_WHEN_REFUSED = 2;
    private static final String RETRYING = "failed and will be retried";
    private static final int CONNECT_TIMEOUT_MS = 1000;

    private final String host;
    private final List<Integer> ports;

    private GiveUpOnRefusedRegistry(String host, List<Integer> ports) {
        this.host = host;
        this.ports = List.copyOf(ports);
    }

    /** For a registry {@code HOST[:PORT]}; without a port, HTTPS (443) and, when plain HTTP is allowed, 80. */
    static GiveUpOnRefusedRegistry forRegistry(String registry, boolean insecure) {
        URI uri = URI.create("//" + registry);
        List<Integer> ports = new ArrayList<>();
        if (uri.getPort() > 0) {
            ports.add(uri.getPort());
        } else {
            ports.add(443);
            if (insecure) {
                ports.add(80);
            }
        }
        return new GiveUpOnRefusedRegistry(uri.getHost() == null ? registry : uri.getHost(), ports);
    }

    @Override
    public void accept(LogEvent event) {
        if (event.getLevel() == LogEvent.Level.WARN && event.getMessage().endsWith(RETRYING) && refused()) {
            Thread.currentThread().interrupt(); // Jib's backoff sleeper sees it and stops retrying
        }
    }

    boolean refused() {
        for (int port : ports) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
                return false;
            } catch (ConnectException refusedHere) {
                // try the next port
            } catch (IOException otherwise) {
                return false; // a timeout or no route: not a clear refusal, leave it to Jib's retries
            }
        }
        return true;
    }
}
