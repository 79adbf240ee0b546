package dev.slipway.packages.debian;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Opens files below a mirror base over file:// or http(s)://. */
final class Mirror {

    private final Supplier<HttpClient> client;
    private HttpClient http;

    Mirror(HttpClient http) {
        this(() -> http);
    }

    /**
     * A mirror whose HTTP client is made by {@code client} when a remote file is first opened: a {@code file:} mirror
     * never starts one (a live {@code java.net.http} client delays the JVM's exit by about 0.3 s).
     */
    Mirror(Supplier<HttpClient> client) {
        this.client = client;
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = client.get();
        }
        return http;
    }

    static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    /** Where {@code relative} below a {@code file:} {@code base} is on this machine; empty for a remote mirror. */
    Optional<Path> local(URI base, String relative) {
        return "file".equals(base.getScheme()) ? Optional.of(Path.of(base).resolve(relative)) : Optional.empty();
    }

    /** Opens {@code relative} below {@code base}; a missing file is {@link FileNotFoundException}. */
    InputStream open(URI base, String relative) throws IOException {
        URI uri;
        try {
            // file names are literal: apt's pool has names like zlib1g_1%3a1.2.13_amd64.deb
            uri = base.resolve(new URI(null, null, relative, null));
        } catch (java.net.URISyntaxException e) {
            throw new IOException("cannot form a URI for '" + relative + "' below " + base, e);
        }
        if ("file".equals(uri.getScheme())) {
            try {
                return Files.newInputStream(Path.of(base).resolve(relative));
            } catch (NoSuchFileException e) {
                throw new FileNotFoundException(uri.toString());
            }
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build();
        try {
            HttpResponse<InputStream> response = http().send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() == 404 || response.statusCode() == 410) {
                response.body().close();
                throw new FileNotFoundException(uri.toString());
            }
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + uri, e);
        }
    }
}
