package dev.slipway.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A plain HTTP file server on loopback (the JDK's own {@code HttpServer}) for a folder: a Debian mirror over HTTP, or
 * the storage a registry redirects its blobs to. Answers GET and HEAD of the files under it, 404 for anything else,
 * and remembers every request it was sent.
 */
public final class LoopbackFileServer implements AutoCloseable {
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /** What the server was asked: method, path, and whether an {@code Authorization} header came with it. */
    public record Request(String method, String path, boolean authorization) {
    }

    private LoopbackFileServer(Supplier<Path> root) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a file server on loopback", e);
        }
        server.createContext("/", exchange -> {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            requests.add(new Request(method, path, exchange.getRequestHeaders().containsKey("Authorization")));
            Path folder = root.get();
            Path file = folder.resolve(path.substring(1)).normalize();
            if (!file.startsWith(folder) || !Files.isRegularFile(file)
                    || !(method.equals("GET") || method.equals("HEAD"))) {
                exchange.sendResponseHeaders(404, -1);
            } else if (method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Content-Length", String.valueOf(Files.size(file)));
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, Files.size(file));
                try (OutputStream body = exchange.getResponseBody()) {
                    Files.copy(file, body);
                }
            }
            exchange.close();
        });
        server.start();
    }

    /** Serves {@code root}. */
    public static LoopbackFileServer serving(Path root) {
        return new LoopbackFileServer(() -> root);
    }

    /** Serves the folder {@code root} gives when a request comes: for a folder known only once the server runs. */
    public static LoopbackFileServer serving(Supplier<Path> root) {
        return new LoopbackFileServer(root);
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every request so far, in the order they came. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
