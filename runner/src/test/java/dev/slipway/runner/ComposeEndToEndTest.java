package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.model.HealthCheck;
import dev.slipway.testkit.LocalDockerd;
import dev.slipway.testkit.LocalRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code render compose --machine mainpc} of the busybox test fleets, run by Debian's docker-compose against a real
 * dockerd pulling from a real registry: every service of mainpc comes up as appuser with the plan's health check,
 * pinned by the digest {@code build --registry} reported, and answers /health; and the runtime settings (shm, memory
 * and CPU limits, ulimits, a named volume, log rotation, a secret file, depends_on) are what docker inspect shows.
 */
class ComposeEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void dockerComposeRunsTheRenderedMachineAndItsServicesAnswerHealth() throws Exception {
        for (String service : List.of("alpha", "bravo", "charlie", "delta")) {
            Path www = Files.createDirectories(dir.resolve("services").resolve(service).resolve("www"));
            Files.writeString(www.resolve("health"), HealthCheck.HEALTHY_BODY);
        }
        try (LocalRegistry registry = LocalRegistry.start();
                LocalDockerd docker = LocalDockerd.builder().insecureRegistry(registry.host()).start()) {
            BusyboxBase.writeInto(dir, docker);
            String org = registry.host() + "/slipway";
            CliRun build = CliRun.of("build", "--fleet", RenderCommandTest.FLEET, "--dir",
                    dir.toString(), "--tag", "c1", "--registry", org, "--insecure", "--parallel", "1", "--cache",
                    dir.resolve("cache").toString());
            assertEquals(0, build.exitCode(), build.out() + build.err());
            String alphaImage = org + "/rollouttest/alpha:c1-mainpc";
            String digest = build.out().lines().filter(l -> l.startsWith(alphaImage + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError(build.out())).split("\\s+")[1];

            Path file = dir.resolve("mainpc-compose.yaml");
            CliRun render = CliRun.of("render", "compose", "--fleet",
                    RenderCommandTest.FLEET, "--dir", dir.toString(), "--tag", "c1", "--registry", org, "--machine",
                    "mainpc", "--digest", alphaImage + "=" + digest, "--out", file.toString());
            assertEquals(0, render.exitCode(), render.err());
            assertTrue(render.err().contains("warning: instance bravo@mainpc: no digest"), render.err());
            assertTrue(Files.readString(file).contains(org + "/rollouttest/alpha@" + digest), Files.readString(file));

            try {
                Compose up = compose(docker, file, Map.of(), "up", "-d");
                assertEquals(0, up.code(), up.output());
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                for (int n : List.of(1, 2)) {
                    HttpResponse<String> answer = healthyWithin(http, RolloutTestFleet.healthPort(n),
                            Duration.ofSeconds(20));
                    assertEquals(200, answer.statusCode());
                    assertEquals(HealthCheck.HEALTHY_BODY, answer.body());
                }
                Compose ps = compose(docker, file, Map.of(), "ps", "-q");
                List<String> containers = ps.output().lines().filter(l -> !l.isBlank()).toList();
                assertEquals(2, containers.size(), "alpha and bravo run on mainpc, charlie and delta do not: "
                        + ps.output());
                for (String container : containers) {
                    String settings = docker.docker("inspect", "-f", "{{.Config.User}} {{.HostConfig.NetworkMode}} "
                            + "{{.HostConfig.RestartPolicy.Name}} {{json .Config.Healthcheck.Test}}", container)
                            .requireSuccess().stdout().strip();
                    assertTrue(settings.startsWith("10001:10001 host unless-stopped "), settings);
                    assertTrue(settings.contains("/health"), settings);
                }
                String image = docker.docker("inspect", "-f",
                        "{{index .Config.Labels \"dev.slipway.service\"}} {{.Config.Image}}",
                        containers.get(0), containers.get(1)).requireSuccess().stdout();
                assertTrue(image.contains("alpha " + org + "/rollouttest/alpha@" + digest), image);
            } finally {
                compose(docker, file, Map.of(), "down", "--timeout", "1");
            }
        }
    }

    private static final String TOKEN = "hf_compose-token-value-0123456789";

    /**
     * RunningServicesTestFleet's mainpc: bus (the family's 128 MiB shm and nofile ulimit) and api, which depends on
     * bus, keeps runtest-cache at ~/.cache, has 256 MiB and 1.5 CPUs, logs 2 x 1 MiB and reads HF_TOKEN as a file.
     * No GPU here: GPUs are asserted on the parsed-back file (ComposeRendererTest) and by docker-compose config.
     */
    @Test
    void dockerComposeRunsTheRuntimeSettingsOfAMachineAndStartsADependentOnlyOnceItsDependencyIsHealthy()
            throws Exception {
        for (String service : List.of("api", "bus", "worker", "plain", "gpu")) {
            Path www = Files.createDirectories(dir.resolve("services").resolve(service).resolve("www"));
            Files.writeString(www.resolve("health"), HealthCheck.HEALTHY_BODY);
        }
        String fleet = RunningServicesTestFleet.class.getName();
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Path token = Files.writeString(secrets.resolve("HF_TOKEN"), TOKEN);
        // bind-mounted as it is: the image user must be able to read it, nobody else
        Files.setAttribute(token, "unix:uid", 10001);
        Files.setAttribute(token, "unix:gid", 10001);
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("r--------"));
        try (LocalRegistry registry = LocalRegistry.start();
                LocalDockerd docker = LocalDockerd.builder().insecureRegistry(registry.host()).start()) {
            BusyboxBase.writeInto(dir, docker);
            String org = registry.host() + "/slipway";
            CliRun build = CliRun.of("build", "--fleet", fleet, "--dir", dir.toString(),
                    "--tag", "r1", "--registry", org, "--insecure", "--parallel", "1", "--cache",
                    dir.resolve("cache").toString());
            assertEquals(0, build.exitCode(), build.out() + build.err());

            Path file = dir.resolve("runtime-compose.yaml");
            CliRun render = CliRun.of("render", "compose", "--fleet", fleet, "--dir",
                    dir.toString(), "--tag", "r1", "--registry", org, "--machine", "mainpc", "--out",
                    file.toString());
            assertEquals(0, render.exitCode(), render.err());
            assertFalse(Files.readString(file).contains(TOKEN));

            Map<String, String> env = Map.of("SLIPWAY_SECRETS_DIR", secrets.toString());
            try {
                Compose up = compose(docker, file, env, "up", "-d");
                assertEquals(0, up.code(), up.output());
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                for (int n : List.of(1, 2)) {
                    assertEquals(HealthCheck.HEALTHY_BODY,
                            healthyWithin(http, RunningServicesTestFleet.healthPort(n), Duration.ofSeconds(60))
                                    .body());
                }
                String apiId = compose(docker, file, env, "ps", "-q", "api").output().strip();
                String busId = compose(docker, file, env, "ps", "-q", "bus").output().strip();
                String apiText = docker.docker("inspect", apiId).requireSuccess().stdout();
                JsonNode api = Json.MAPPER.readTree(apiText).get(0);
                JsonNode bus = Json.MAPPER.readTree(docker.docker("inspect", busId).requireSuccess().stdout())
                        .get(0);

                JsonNode host = api.get("HostConfig");
                assertEquals(128L << 20, host.get("ShmSize").asLong(), "the family's shm_size");
                assertEquals(128L << 20, bus.get("HostConfig").get("ShmSize").asLong());
                assertEquals(256L << 20, host.get("Memory").asLong(), "mem_limit");
                assertEquals(1_500_000_000L, host.get("NanoCpus").asLong(), "cpus");
                assertEquals("[{\"Name\":\"nofile\",\"Hard\":8192,\"Soft\":4096}]",
                        host.get("Ulimits").toString());
                assertEquals("json-file", host.get("LogConfig").get("Type").asText());
                assertEquals("1m", host.get("LogConfig").get("Config").get("max-size").asText());
                assertEquals("2", host.get("LogConfig").get("Config").get("max-file").asText());
                assertEquals("5", bus.get("HostConfig").get("LogConfig").get("Config").get("max-file").asText(),
                        "Slipway's default rotation");

                JsonNode cache = mountAt(api, "/home/appuser/.cache");
                assertEquals("volume", cache.get("Type").asText());
                assertEquals("runtest-cache", cache.get("Name").asText(), "the volume apply uses, unprefixed");
                String volumeLabels = docker.docker("volume", "inspect", "-f", "{{json .Labels}}", "runtest-cache")
                        .requireSuccess().stdout();
                assertTrue(volumeLabels.contains("\"dev.slipway.fleet\":\"runtest\""), volumeLabels);

                assertEquals("bind", mountAt(api, "/run/secrets/HF_TOKEN").get("Type").asText());
                assertEquals(TOKEN, docker.docker("exec", apiId, "cat", "/run/secrets/HF_TOKEN").requireSuccess()
                        .stdout().strip(), "readable by appuser inside the container");
                assertFalse(apiText.contains(TOKEN), "docker inspect shows the path, never the value");

                // depends_on bus: service_healthy: api started only after bus's first passing health check
                OffsetDateTime busHealthy = null;
                for (JsonNode probe : bus.get("State").get("Health").get("Log")) {
                    if (probe.get("ExitCode").asInt() == 0) {
                        busHealthy = OffsetDateTime.parse(probe.get("End").asText());
                        break;
                    }
                }
                assertTrue(busHealthy != null, bus.get("State").toString());
                OffsetDateTime apiStarted = OffsetDateTime.parse(api.get("State").get("StartedAt").asText());
                assertTrue(!apiStarted.isBefore(busHealthy), "api started " + apiStarted + ", bus healthy "
                        + busHealthy);
            } finally {
                compose(docker, file, env, "down", "--timeout", "1");
            }
        }
    }

    /** What this machine cannot run (it has no GPU) docker-compose still reads: the device request of a GPU service. */
    @Test
    void dockerComposeAcceptsAGpuServicesDeviceRequest() throws Exception {
        Path file = dir.resolve("gpu-compose.yaml");
        CliRun render;
        RunningServicesTestFleet.withGpuService = true;
        try {
            render = CliRun.of("render", "compose", "--fleet", RunningServicesTestFleet.class.getName(),
                    "--tag", "r1", "--machine", "mainpc", "--out", file.toString());
        } finally {
            RunningServicesTestFleet.withGpuService = false;
        }
        assertEquals(0, render.exitCode(), render.err());
        ProcessBuilder builder = new ProcessBuilder("docker-compose", "-f", file.toString(), "config")
                .redirectErrorStream(true);
        builder.environment().put("SLIPWAY_SECRETS_DIR", dir.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "docker-compose config did not finish");
        assertEquals(0, process.exitValue(), output);
        String gpu = output.substring(output.indexOf("\n  gpu:\n"));
        assertTrue(gpu.contains("driver: nvidia") && gpu.contains("capabilities:\n            - gpu")
                && gpu.contains("device_ids:\n            - '0'"), gpu);
    }

    private static JsonNode mountAt(JsonNode container, String destination) {
        for (JsonNode mount : container.get("Mounts")) {
            if (mount.get("Destination").asText().equals(destination)) {
                return mount;
            }
        }
        throw new AssertionError("no mount at " + destination + ": " + container.get("Mounts"));
    }

    private static HttpResponse<String> healthyWithin(HttpClient http, int port, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        while (true) {
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 || System.nanoTime() > deadline) {
                    return answer;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(100);
        }
    }

    private record Compose(int code, String output) {
    }

    /** Debian's docker-compose (v1) against the test's dockerd only, never the machine's own. */
    private static Compose compose(LocalDockerd docker, Path file, Map<String, String> env, String... args)
            throws Exception {
        List<String> argv = new ArrayList<>(List.of("docker-compose", "-f", file.toString(), "-p", "slipwaycompose"));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", docker.dockerHost());
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("docker-compose " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Compose(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
