package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code render compose --machine mainpc} of the busybox test fleet, run by Debian's docker-compose against a real
 * dockerd pulling from a real registry: every service of mainpc comes up as appuser with the plan's health check,
 * pinned by the digest {@code build --registry} reported, and answers /health.
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
            RenderCommandTest.Run build = RenderCommandTest.run("build", "--fleet", RenderCommandTest.FLEET, "--dir",
                    dir.toString(), "--tag", "c1", "--registry", org, "--insecure", "--parallel", "1", "--cache",
                    dir.resolve("cache").toString());
            assertEquals(0, build.code(), build.out() + build.err());
            String alphaImage = org + "/rollouttest/alpha:c1-mainpc";
            String digest = build.out().lines().filter(l -> l.startsWith(alphaImage + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError(build.out())).split("\\s+")[1];

            Path file = dir.resolve("mainpc-compose.yaml");
            RenderCommandTest.Run render = RenderCommandTest.run("render", "compose", "--fleet",
                    RenderCommandTest.FLEET, "--dir", dir.toString(), "--tag", "c1", "--registry", org, "--machine",
                    "mainpc", "--digest", alphaImage + "=" + digest, "--out", file.toString());
            assertEquals(0, render.code(), render.err());
            assertTrue(render.err().contains("warning: instance bravo@mainpc: no digest"), render.err());
            assertTrue(Files.readString(file).contains(org + "/rollouttest/alpha@" + digest), Files.readString(file));

            try {
                Compose up = compose(docker, file, "up", "-d");
                assertEquals(0, up.code(), up.output());
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                for (int n : List.of(1, 2)) {
                    HttpResponse<String> answer = healthyWithin(http, RolloutTestFleet.healthPort(n),
                            Duration.ofSeconds(20));
                    assertEquals(200, answer.statusCode());
                    assertEquals(HealthCheck.HEALTHY_BODY, answer.body());
                }
                Compose ps = compose(docker, file, "ps", "-q");
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
                compose(docker, file, "down", "--timeout", "1");
            }
        }
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
    private static Compose compose(LocalDockerd docker, Path file, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("docker-compose", "-f", file.toString(), "-p", "slipwaycompose"));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", docker.dockerHost());
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("docker-compose " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Compose(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
