package dev.slipway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's {@code docker-registry} (distribution 2.x) on 127.0.0.1, plain HTTP, deletes enabled, storing into a
 * fresh temporary directory. Push to it with {@code --dest-tls-verify=false} or as an insecure registry.
 *
 * <pre>{@code
 * try (LocalRegistry registry = LocalRegistry.start()) {
 *     String image = registry.host() + "/slipway/base-python:1";
 * }
 * }</pre>
 */
public final class LocalRegistry implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** The free port is picked before the registry binds it, so another process may win it in between. */
    private static final int BIND_ATTEMPTS = 3;

    private final ScratchDirectory home;
    private final int port;
    private final DaemonProcess server;
    private final ShutdownGuard guard;
    private boolean closed;

    private LocalRegistry(ScratchDirectory home, int port, DaemonProcess server) {
        this.home = home;
        this.port = port;
        this.server = server;
        this.guard = ShutdownGuard.closeOnExit("docker-registry", this);
    }

    /** Starts a registry and returns once {@code GET /v2/} answers 200. */
    public static LocalRegistry start() {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing; install the Debian package docker-registry");
        }
        for (int attempt = 1; ; attempt++) {
            LocalRegistry registry = launch(FreePort.onLoopback());
            try {
                registry.awaitReady();
                return registry;
            } catch (RuntimeException e) {
                boolean portTakenMeanwhile = registry.server.failedToBind();
                registry.close();
                if (!portTakenMeanwhile || attempt == BIND_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static LocalRegistry launch(int port) {
        ScratchDirectory home = ScratchDirectory.createTemporary("slipway-registry-");
        Path config = home.path().resolve("config.yml");
        Path storage = home.path().resolve("storage");
        try {
            Files.createDirectory(storage);
            Files.writeString(config, config(storage, port));
        } catch (IOException e) {
            home.delete();
            throw new UncheckedIOException("cannot write registry config in " + home.path(), e);
        }
        DaemonProcess server = DaemonProcess.start("docker-registry",
                List.of(BINARY.toString(), "serve", config.toString()), Map.of(),
                home.path().resolve("registry.log"));
        return new LocalRegistry(home, port, server);
    }

    private static String config(Path storage, int port) {
        return """
                version: 0.1
                log:
                  level: info
                  accesslog:
                    disabled: false
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:%d
                """.formatted(storage, port);
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        String lastProblem = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException(server + " exited before answering /v2/; its log:\n" + server.log());
            }
            try {
                HttpResponse<String> answer = client.send(probe, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return;
                }
                lastProblem = "GET /v2/ answered " + answer.statusCode() + ": " + answer.body();
            } catch (IOException e) {
                lastProblem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + server, e);
            }
            DaemonProcess.pause(Duration.ofMillis(100));
        }
        throw new IllegalStateException(server + " did not answer GET http://" + host() + "/v2/ with 200 within "
                + STARTUP_TIMEOUT + " (" + lastProblem + "); its log:\n" + server.log());
    }

    /** {@code 127.0.0.1:PORT}, the registry part of an image reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Where blobs and manifests are stored, for tests that check what really landed. */
    public Path storageDir() {
        return home.path().resolve("storage");
    }

    /** Everything the registry logged so far, including its access log. */
    public String log() {
        return server.log();
    }

    /** Stops the registry by its pid and deletes its storage. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.stop(STOP_GRACE);
        } finally {
            home.delete();
            guard.release();
        }
    }
}
