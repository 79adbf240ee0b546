package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.model.HealthCheck;
import dev.slipway.testkit.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apply} against a registry that wants credentials (GHCR images are private by default): the runner, as a user
 * runs it, takes the login from its environment for the push and hands it to each engine for the pulls and digest
 * look-ups; without it the apply stops naming the registry's refusal, before any change. The password is nowhere:
 * not in the output, the audit log or what {@code docker inspect} shows of the containers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrivateRegistryApplyEndToEndTest {
    private static final String USER = "fleet-bot";
    private static final String PASSWORD = "registry-password-1b9f0c7d2e";
    private static final String[][] INSTANCES = {
            {"mainpc", "alpha"}, {"mainpc", "bravo"}, {"pc2", "bravo"}, {"pc2", "charlie"}, {"pc2", "delta"}};

    @TempDir
    static Path dir;
    static TwoMachines machines;

    record Run(int code, String output) {
    }

    @BeforeAll
    static void machinesAndFleet() throws Exception {
        machines = TwoMachines.start(LocalRegistry.startWithHtpasswd(USER, PASSWORD));
        BusyboxBase.writeInto(dir, machines.engine("mainpc"));
        for (String service : List.of("alpha", "bravo", "charlie", "delta")) {
            Path www = Files.createDirectories(dir.resolve("services").resolve(service).resolve("www"));
            Files.writeString(www.resolve("health"), HealthCheck.HEALTHY_BODY);
        }
    }

    @AfterAll
    static void stop() {
        if (machines != null) {
            machines.close();
        }
    }

    @Test
    @Order(1)
    void withTheLoginInItsEnvironmentApplyPushesAndEveryEnginePulls() throws Exception {
        Run apply = runner(Map.of("SLIPWAY_REGISTRY_USERNAME", USER, "SLIPWAY_REGISTRY_PASSWORD", PASSWORD), "apply",
                "--tag", "v1");

        assertEquals(0, apply.code(), apply.output());
        for (String[] instance : INSTANCES) {
            assertEquals("true", inspect(instance[0], instance[1], "{{.State.Running}}"), apply.output());
            String inspected = machines.engine(instance[0]).docker("inspect", RolloutTestFleet.NAME + "." + instance[1])
                    .requireSuccess().stdout();
            assertFalse(inspected.contains(PASSWORD), "password in docker inspect of " + instance[1]);
        }
        assertFalse(apply.output().contains(PASSWORD), apply.output());
        assertFalse(Files.readString(dir.resolve("audit.jsonl")).contains(PASSWORD));
    }

    @Test
    @Order(2)
    void withoutTheLoginApplyStopsOnTheRegistrysRefusalBeforeAnyChange() throws Exception {
        List<String> before = containers();

        Run apply = runner(Map.of(), "apply", "--tag", "v1", "--skip-build");

        assertEquals(1, apply.code(), apply.output());
        assertTrue(apply.output().contains(machines.registryHost()), apply.output());
        assertTrue(apply.output().contains("refused anonymous access; give credentials"), apply.output());
        assertFalse(apply.output().contains("not in the registry"), "a refusal is not a missing tag:\n"
                + apply.output());
        assertFalse(apply.output().contains("\tat "), apply.output());
        assertEquals(before, containers(), "nothing changed");
    }

    @Test
    @Order(3)
    void aWrongPasswordIsRefusedWithoutEchoingIt() throws Exception {
        String wrong = "wrong-password-7c1e";
        Run apply = runner(Map.of("SLIPWAY_REGISTRY_USERNAME", USER, "SLIPWAY_REGISTRY_PASSWORD", wrong), "apply",
                "--tag", "v1", "--skip-build");

        assertEquals(1, apply.code(), apply.output());
        assertFalse(apply.output().contains(wrong), apply.output());
        assertFalse(apply.output().contains(PASSWORD), apply.output());
    }

    /** The runner in a JVM of its own, with exactly {@code env} as its registry login (no Docker config). */
    private static Run runner(Map<String, String> env, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the test registry is plain HTTP on loopback: the user's explicit consent for Jib to log in over it
                "-DsendCredentialsOverHttp=true", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--fleet", RolloutTestFleet.class.getName(), "--dir", dir.toString(), "--registry",
                machines.registryHost() + "/slipway", "--insecure", "--cache", dir.resolve("cache").toString(),
                "--parallel", "1", "--audit-log", dir.resolve("audit.jsonl").toString()));
        argv.addAll(machines.hostArguments());
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("SLIPWAY_REGISTRY_")
                || name.startsWith("DOCKER_"));
        Path home = Files.createDirectories(dir.resolve("home"));
        builder.environment().put("HOME", home.toString());
        builder.environment().put("DOCKER_CONFIG", home.resolve(".docker").toString());
        builder.environment().put("SLIPWAY_CACHE", dir.resolve("slipway-cache").toString());
        builder.environment().putAll(env);
        Process runner = builder.start();
        String output = new String(runner.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(runner.waitFor(5, TimeUnit.MINUTES), output);
        return new Run(runner.exitValue(), output);
    }

    private static String inspect(String machine, String service, String format) {
        return machines.engine(machine).docker("inspect", "--format", format, RolloutTestFleet.NAME + "." + service)
                .requireSuccess().stdout().strip();
    }

    private static List<String> containers() {
        List<String> all = new ArrayList<>();
        for (String machine : TwoMachines.MACHINES) {
            all.add(machines.engine(machine)
                    .docker("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.State}}")
                    .requireSuccess().stdout());
        }
        return all;
    }
}
