package dev.slipway.rollout.health;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** {@code GET http://ADDRESS:PORT/PATH}, polled often so a cutover's downtime is measured to tens of ms. */
public final class HttpHealthGate implements HealthGate {
    private final Duration pollInterval;
    private final Duration requestTimeout;
    private final Clock clock;
    private final HttpClient http;

    private HttpHealthGate(Duration pollInterval, Duration requestTimeout, Clock clock) {
        this.pollInterval = pollInterval;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
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
        HttpRequest request = HttpRequest
                .newBuilder(URI.create("http://" + host + ":" + endpoint.port() + endpoint.path()))
                .timeout(requestTimeout).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return HealthAnswer.answered(clock.instant(), response.statusCode(), response.body());
        } catch (HttpTimeoutException e) {
            return HealthAnswer.noAnswer(clock.instant(), "timed out after " + requestTimeout.toMillis() + " ms");
        } catch (IOException e) {
            String kind = e.getClass().getSimpleName();
            return HealthAnswer.noAnswer(clock.instant(), e.getMessage() == null ? kind : kind + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthAnswer.noAnswer(clock.instant(), "interrupted");
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
