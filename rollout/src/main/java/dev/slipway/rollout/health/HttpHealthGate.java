package dev.slipway.rollout.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * {@code GET http://ADDRESS:PORT/PATH}, polled often so a cutover's downtime is measured to tens of ms. Over
 * {@link HttpURLConnection}, which keeps no thread of its own: a live {@code java.net.http} client delays the JVM's
 * exit by about 0.3 s.
 */
public final class HttpHealthGate implements HealthGate {
    private final Duration pollInterval;
    private final Duration requestTimeout;
    private final Clock clock;

    private HttpHealthGate(Duration pollInterval, Duration requestTimeout, Clock clock) {
        this.pollInterval = pollInterval;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
    }

    /** Polls every 50 ms, each request timing out after 2 s. */
    public static HttpHealthGate standard() {
        return new HttpHealthGate(Duration.ofMillis(50), Duration.ofSeconds(2), Clock.systemUTC());
    }

    public HttpHealthGate pollingEvery(Duration interval) {
        return new HttpHealthGate(interval, requestTimeout, clock);
    }

    public HttpHealthGate timingOutAfter(Duration timeout) {
        return new HttpHealthGate(pollInterval, timeout, clock);
    }

    @Override
    public HealthAnswer probe(String address, HealthEndpoint endpoint) {
        String host = address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
        URI uri = URI.create("http://" + host + ":" + endpoint.port() + endpoint.path());
        int timeout = (int) requestTimeout.toMillis();
        try {
            HttpURLConnection http = (HttpURLConnection) uri.toURL().openConnection();
            http.setConnectTimeout(timeout);
            http.setReadTimeout(timeout);
            http.setInstanceFollowRedirects(false);
            http.setUseCaches(false);
            int status = http.getResponseCode();
            InputStream body = status >= 400 ? http.getErrorStream() : http.getInputStream();
            String text = "";
            if (body != null) {
                try (body) {
                    text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return HealthAnswer.answered(clock.instant(), status, text);
        } catch (SocketTimeoutException e) {
            return HealthAnswer.noAnswer(clock.instant(), "timed out after " + requestTimeout.toMillis() + " ms");
        } catch (IOException e) {
            String kind = e.getClass().getSimpleName();
            return HealthAnswer.noAnswer(clock.instant(), e.getMessage() == null ? kind : kind + ": " + e.getMessage());
        }
    }

    @Override
    public GateVerdict await(String address, HealthEndpoint endpoint, Duration within, BooleanSupplier stillRunning) {
        Instant start = clock.instant();
        Instant deadline = start.plus(within);
        HealthAnswer last = HealthAnswer.noAnswer(start, "not probed yet");
        while (true) {
            last = probe(address, endpoint);
            if (last.healthy()) {
                return GateVerdict.passed(last, Duration.between(start, last.at()));
            }
            Instant now = clock.instant();
            if (!stillRunning.getAsBoolean()) {
                return GateVerdict.failed(last, Duration.between(start, now), "the container stopped");
            }
            if (now.isAfter(deadline)) {
                return GateVerdict.failed(last, Duration.between(start, now),
                        "not healthy within " + within.toSeconds() + " s");
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return GateVerdict.failed(last, Duration.between(start, clock.instant()), "interrupted");
            }
        }
    }
}
