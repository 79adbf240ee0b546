package dev.slipway.rollout.health;

import dev.slipway.model.HealthCheck;
import java.time.Instant;
import java.util.Optional;

/** One answer (or non-answer) of {@code GET /health}: healthy only for 200 with exactly {@code {"status":"ok"}}. */
public record HealthAnswer(Instant at, int status, String body, Optional<String> error) {
    private static final int SHOWN_BODY = 120;

    public static HealthAnswer answered(Instant at, int status, String body) {
        return new HealthAnswer(at, status, body, Optional.empty());
    }

    public static HealthAnswer noAnswer(Instant at, String error) {
        return new HealthAnswer(at, 0, "", Optional.of(error));
    }

    public boolean healthy() {
        return error.isEmpty() && status == 200 && body.strip().equals(HealthCheck.HEALTHY_BODY);
    }

    /** e.g. {@code 200 {"status":"ok"}}, {@code 500 {"status":"degraded"}} or {@code no answer: Connection refused}. */
    public String describe() {
        if (error.isPresent()) {
            return "no answer: " + error.get();
        }
        String shown = body.strip().replace('\n', ' ');
        if (shown.length() > SHOWN_BODY) {
            shown = shown.substring(0, SHOWN_BODY) + "...";
        }
        return status + " " + (shown.isEmpty() ? "(empty body)" : shown);
    }
}
