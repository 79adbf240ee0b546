package dev.slipway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Debian's {@code docker-registry} (distribution 2.x) on 127.0.0.1, plain HTTP, deletes enabled, storing into a
 * fresh temporary directory. Push to it with {@code --dest-tls-verify=false} or as an insecure registry.
 *
 * <pre>{@code
 * try (LocalRegistry registry = LocalRegistry.start()) {
 *     String image = registry.host() + "/slipway/base-python:1";
 * }
 * }</pre>
 *
 * <p>{@link #startWithHtpasswd} starts one that answers 401 to every request without the right HTTP Basic
 * credentials, for tests of authentication.
 */
public final class LocalRegistry implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/docker-registry");
    static final Path HTPASSWD = Path.of("/usr/bin/htpasswd");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** The free port is picked before the registry binds it, so another process may win it in between. */
    private static final int BIND_ATTEMPTS = 3;

    private final ScratchDirectory home;
    private final int port;
    private final DaemonProcess server;
    private final Optional<String> authorization;
    private final ShutdownGuard guard;
    private boolean closed;

    private LocalRegistry(ScratchDirectory home, int port, DaemonProcess server, Optional<String> authorization) {
        this.home = home;
        this.port = port;
        this.server = server;
        this.authorization = authorization;
        this.guard = ShutdownGuard.closeOnExit("docker-registry", this);
    }

    /** Starts a registry and returns once {@code GET /v2/} answers 200. */
    public static LocalRegistry start() {
        return start(Optional.empty(), Optional.empty());
    }

    /**
     * Starts a registry whose only account is {@code username}/{@code password} (htpasswd, bcrypt) and returns once
     * an authenticated {@code GET /v2/} answers 200. Needs {@code htpasswd} from Debian's apache2-utils.
     */
    public static LocalRegistry startWithHtpasswd(String username, String password) {
        return start(Optional.of(Account.of(username, password)), Optional.empty());
    }

    /**
     * Like {@link #startWithHtpasswd}, and every blob {@code GET} or {@code HEAD} is answered with a redirect to
     * {@code baseUrl} followed by the blob's path under {@link #storageDir()}, as a registry whose blobs are on S3 or
     * behind a CDN answers (docker-registry's {@code redirect} storage middleware).
     */
    public static LocalRegistry startWithHtpasswdRedirectingBlobs(String username, String password, String baseUrl) {
        return start(Optional.of(Account.of(username, password)), Optional.of(baseUrl));
    }

    private record Account(String username, String password) {
        static Account of(String username, String password) {
            if (username.isEmpty() || username.contains(":") || password.isEmpty()) {
                throw new IllegalArgumentException("htpasswd needs a non-empty username without ':' and a password");
            }
            return new Account(username, password);
        }

        String basicAuthorization() {
            return "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static LocalRegistry start(Optional<Account> account, Optional<String> blobRedirect) {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing; install the Debian package docker-registry");
        }
        if (account.isPresent() && !Files.isExecutable(HTPASSWD)) {
            throw new IllegalStateException(HTPASSWD + " is missing; install the Debian package apache2-utils");
        }
        for (int attempt = 1;; attempt++) {
            LocalRegistry registry = launch(FreePort.onLoopback(), account, blobRedirect);
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

    private static LocalRegistry launch(int port, Optional<Account> account, Optional<String> blobRedirect) {
        ScratchDirectory home = ScratchDirectory.createTemporary("slipway-registry-");
        Path config = home.path().resolve("config.yml");
        Path storage = home.path().resolve("storage");
        Path htpasswd = home.path().resolve("htpasswd");
        try {
            Files.createDirectory(storage);
            String text = config(storage, port);
            if (account.isPresent()) {
                Files.writeString(htpasswd, htpasswdLine(account.get()));
                text += htpasswdAuth(htpasswd);
            }
            if (blobRedirect.isPresent()) {
                text += """
                        middleware:
                          storage:
                            - name: redirect
                              options:
                                baseurl: %s
                        """.formatted(blobRedirect.get());
            }
            Files.writeString(config, text);
        } catch (IOException e) {
            home.delete();
            throw new UncheckedIOException("cannot write registry config in " + home.path(), e);
        } catch (RuntimeException e) {
            home.delete();
            throw e;
        }
        DaemonProcess server = DaemonProcess.start("docker-registry",
                List.of(BINARY.toString(), "serve", config.toString()), Map.of(),
                home.path().resolve("registry.log"));
        return new LocalRegistry(home, port, server, account.map(Account::basicAuthorization));
    }

    /** {@code htpasswd -Bbn}: bcrypt, the only hash docker-registry's htpasswd accepts. */
    private static String htpasswdLine(Account account) {
        CommandResult made = CommandLine.of(HTPASSWD.toString(), "-Bbn", account.username(), account.password())
                .run(Duration.ofSeconds(30));
        if (!made.succeeded()) {
            // not describe(): the command line holds the password
            throw new IllegalStateException("htpasswd -Bbn " + account.username() + " exited with "
                    + made.exitCode() + ": " + made.stderr().replace(account.password(), "<password>"));
        }
        return made.stdout().strip() + "\n";
    }

    private static String htpasswdAuth(Path htpasswd) {
        return """
                auth:
                  htpasswd:
                    realm: slipway-test-registry
                    path: %s
                """.formatted(htpasswd);
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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                .timeout(Duration.ofSeconds(2)).GET();
        authorization.ifPresent(value -> request.header("Authorization", value));
        HttpRequest probe = request.build();
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

    /**
     * The {@code Authorization} header value ({@code Basic ...}) of the registry's account, for tests that check
     * over its HTTP API what really landed; empty for a registry started without authentication.
     */
    public Optional<String> basicAuthorization() {
        return authorization;
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
