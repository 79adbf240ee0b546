package dev.slipway.render.compose;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of the Compose file format Slipway writes, as types: {@code version} 3.8 (read by docker-compose 1.27+
 * and by {@code docker compose} v2), then every service of one machine, by name (the YAML writer sorts map keys),
 * and the named volumes and secrets those services use.
 */
@JsonPropertyOrder({"version", "services", "volumes", "secrets"})
public record ComposeFile(
        String version,
        Map<String, Service> services,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, NamedVolume> volumes,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Secret> secrets) {
    public static final String VERSION = "3.8";

    public ComposeFile {
        services = copy(services);
        volumes = copy(volumes);
        secrets = copy(secrets);
    }

    private static <V> Map<String, V> copy(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"image", "user", "network_mode", "restart", "security_opt", "read_only", "environment",
            "shm_size", "mem_limit", "cpus", "ulimits", "volumes", "secrets", "logging", "deploy", "depends_on",
            "healthcheck", "labels"})
    public record Service(
            String image,
            String user,
            @JsonProperty("network_mode") String networkMode,
            String restart,
            @JsonProperty("security_opt") List<String> securityOpt,
            @JsonProperty("read_only") Boolean readOnly,
            Map<String, String> environment,
            @JsonProperty("shm_size") String shmSize,
            @JsonProperty("mem_limit") String memLimit,
            Double cpus,
            Map<String, Ulimit> ulimits,
            List<String> volumes,
            List<String> secrets,
            Logging logging,
            Deploy deploy,
            @JsonProperty("depends_on") Map<String, Dependency> dependsOn,
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

    /** {@code docker run --ulimit name=soft:hard}; -1 is unlimited. */
    @JsonPropertyOrder({"soft", "hard"})
    public record Ulimit(long soft, long hard) {
    }

    /** A log driver and its options (json-file with {@code max-size} and {@code max-file}). */
    @JsonPropertyOrder({"driver", "options"})
    public record Logging(String driver, Map<String, String> options) {
    }

    /** Only what Compose reads outside a swarm: {@code resources.reservations.devices} (GPUs). */
    public record Deploy(Resources resources) {
    }

    public record Resources(Reservations reservations) {
    }

    public record Reservations(List<Device> devices) {
    }

    /** What {@code docker run --gpus} sends: named devices ({@code device_ids}) or {@code count: all}. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"driver", "count", "device_ids", "capabilities"})
    public record Device(String driver, String count, @JsonProperty("device_ids") List<String> deviceIds,
            List<String> capabilities) {
    }

    /** {@code depends_on} in its long form: start after the other service is healthy. */
    public record Dependency(String condition) {
    }

    /** A top-level named volume; {@code name} keeps Compose from prefixing it with the project's name. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"name", "labels"})
    public record NamedVolume(String name, Map<String, String> labels) {
    }

    /** A top-level secret read from a file on the machine running Compose; never a value. */
    public record Secret(String file) {
    }
}
