package dev.slipway.render.compose;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of the Compose file format Slipway writes, as types: {@code version} 3.8 (read by docker-compose 1.27+
 * and by {@code docker compose} v2), then every service of one machine, by name (the YAML writer sorts map keys).
 */
@JsonPropertyOrder({"version", "services"})
public record ComposeFile(String version, Map<String, Service> services) {
    public static final String VERSION = "3.8";

    public ComposeFile {
        services = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(services));
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"image", "user", "network_mode", "restart", "security_opt", "read_only", "healthcheck",
            "labels"})
    public record Service(
            String image,
            String user,
            @JsonProperty("network_mode") String networkMode,
            String restart,
            @JsonProperty("security_opt") List<String> securityOpt,
            @JsonProperty("read_only") Boolean readOnly,
            Healthcheck healthcheck,
            Map<String, String> labels) {
    }

    /** Docker's health check in Compose's words; durations as Compose writes them ({@code 30s}). */
    @JsonPropertyOrder({"test", "interval", "timeout", "start_period", "retries"})
    public record Healthcheck(
            List<String> test,
            String interval,
            String timeout,
            @JsonProperty("start_period") String startPeriod,
            int retries) {
    }
}
