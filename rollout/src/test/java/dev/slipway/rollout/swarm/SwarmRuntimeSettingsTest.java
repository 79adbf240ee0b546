package dev.slipway.rollout.swarm;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.service;
import static dev.slipway.machines.MachineProfiles.MAINPC;
import static dev.slipway.machines.MachineProfiles.PC2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.HealthProbe;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Rollout;
import dev.slipway.dsl.Service;
import dev.slipway.model.DataSize;
import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.FleetPlanner;
import dev.slipway.plan.InstanceId;
import dev.slipway.rollout.health.HttpHealthGate;
import dev.slipway.rollout.secrets.SecretValues;
import dev.slipway.testkit.LocalDockerd;
import dev.slipway.testkit.TwoNodeSwarm;
import dev.slipway.validation.Fleet;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance's runtime settings on a real two-node swarm (manager mainpc advertising one NVIDIA-GPU, worker pc2
 * none): limits, a named volume, a read-only bind, shm, ulimits, log rotation, a GPU reservation and a secret land
 * in the service spec and in its task's container; the secret is a file only uid 10001 reads and its value is
 * nowhere else; re-applying updates nothing; a rotated secret updates exactly the service that uses it, and a
 * version neither a spec nor a rollback uses is removed; a GPU service on a node without GPUs is refused before any
 * change.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmRuntimeSettingsTest {
    static final String GPU_UUID = "GPU-5107e2f0-slipway-test";
    static final String HF_V1 = "hf_v1_" + random();
    static final String HF_V2 = "hf_v2_" + random();
    static final String HF_V3 = "hf_v3_" + random();
    static final String OTHER = "other_" + random();
    static final String MODEL = "swarmrt_model_mainpc";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path weights;
    static TwoNodeSwarm swarm;
    static SwarmManager manager;
    static final List<String> progress = new ArrayList<>();

    @BeforeAll
    static void startSwarm() throws Exception {
        swarm = TwoNodeSwarm.start(Map.of("mainpc", List.of(SwarmServiceSpecs.GPU + "=" + GPU_UUID)), 1);
        manager = SwarmManager.connect(URI.create(swarm.manager().dockerHost()), Optional.empty());
        weights = Files.createDirectories(dir.resolve("weights"));
        Files.writeString(weights.resolve("model.bin"), "weights\n");
    }

    @AfterAll
    static void stop() {
        if (manager != null) {
            manager.close();
        }
        if (swarm != null) {
            swarm.close();
        }
    }

    static String random() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** plain@mainpc; model@mainpc (every setting, after plain) and, when asked, model@pc2; other@pc2 (its secret). */
    static FleetPlan plan(boolean modelOnPc2) {
        Family busybox = family("busybox").from(Base.scratch()).healthProbe(HealthProbe.BUSYBOX_WGET);
        Service plain = web("plain", busybox, 1).on(MAINPC);
        MachineProfile[] modelMachines = modelOnPc2 ? new MachineProfile[]{MAINPC, PC2} : new MachineProfile[]{MAINPC};
        Service model = web("model", busybox, 2).on(modelMachines).gpus().memory(DataSize.ofMiB(256)).cpus(0.5)
                .ulimit("nofile", 1234, 2345).volume("swarmrt-cache", "/home/appuser/cache")
                .readOnlyBind(weights.toString(), "/weights").shmSize(DataSize.ofMiB(256)).logs(DataSize.ofMiB(1), 3)
                .secret("HF_TOKEN").dependsOn(plain);
        Service other = web("other", busybox, 3).on(PC2).secret("OTHER_TOKEN");
        var spec = fleet("swarmrt").registry("registry.invalid/slipway").machines(MAINPC, PC2).families(busybox)
                .services(plain, model, other).rollout(Rollout.canaryOn(MAINPC).batchesOf(2));
        return FleetPlanner.plan(Fleet.compile(spec).orThrow(), new BuildIdentity("r1", "0123456789abcdef"));
    }

    private static Service web(String name, Family family, int n) {
        return service(name).family(family).ports(17400 + n, 18400 + n).healthCheck(SwarmRolloutTest.QUICK);
    }

    static SwarmReport apply(FleetPlan plan, String hfToken) {
        progress.clear();
        return new SwarmRollout(manager, HttpHealthGate.standard(), swarm.addresses(), line -> {
            progress.add(line);
            System.out.println(line);
        }, SecretValues.fromEnvironment(Map.of("HF_TOKEN", hfToken, "OTHER_TOKEN", OTHER))).apply(plan);
    }

    static Map<String, Long> versions() {
        Map<String, Long> versions = new TreeMap<>();
        manager.services("swarmrt").forEach(s -> versions.put(s.getSpec().getName(), s.getVersion().getIndex()));
        return versions;
    }

    static String docker(LocalDockerd engine, String... args) {
        return engine.docker(args).requireSuccess().stdout();
    }

    /** Everything the manager and the engines show of the fleet: service specs, secrets, containers. */
    static String everythingShown() {
        StringBuilder shown = new StringBuilder();
        for (String service : versions().keySet()) {
            shown.append(docker(swarm.manager(), "service", "inspect", service));
        }
        for (String id : docker(swarm.manager(), "secret", "ls", "-q").strip().split("\\s+")) {
            shown.append(docker(swarm.manager(), "secret", "inspect", id));
        }
        for (String machine : TwoNodeSwarm.MACHINES) {
            for (String id : docker(swarm.engine(machine), "ps", "-aq").strip().split("\\s+")) {
                if (!id.isBlank()) {
                    shown.append(docker(swarm.engine(machine), "inspect", id));
                }
            }
        }
        return shown.toString();
    }

    static int indexOf(String prefix) {
        for (int i = 0; i < progress.size(); i++) {
            if (progress.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no progress line starts with '" + prefix + "':\n" + String.join("\n", progress));
    }

    static String secretFile(String name) {
        return docker(swarm.engine("mainpc"), "exec", swarm.taskContainer("mainpc", MODEL), "cat",
                "/run/secrets/" + name);
    }

    @Test
    @Order(1)
    void everySettingLandsInTheServiceSpecAndItsTaskContainerAndTheSecretIsAFileOnly() throws Exception {
        FleetPlan plan = plan(false);
        SwarmImages.load(swarm, plan, Map.of(), dir, "cache");
        SwarmReport report = apply(plan, HF_V1);

        assertTrue(report.succeeded(), report.why() + "\n" + String.join("\n", progress));
        assertTrue(indexOf("  plain@mainpc: healthy") < indexOf("  model@mainpc: created service"),
                "model depends on plain: " + String.join("\n", progress));

        JsonNode task = JSON.readTree(docker(swarm.manager(), "service", "inspect", MODEL)).get(0)
                .path("Spec").path("TaskTemplate");
        assertEquals(256L << 20, task.at("/Resources/Limits/MemoryBytes").asLong());
        assertEquals(500_000_000L, task.at("/Resources/Limits/NanoCPUs").asLong());
        assertEquals("[{\"DiscreteResourceSpec\":{\"Kind\":\"NVIDIA-GPU\",\"Value\":1}}]",
                task.at("/Resources/Reservations/GenericResources").toString());
        assertEquals("json-file 1048576 3", task.at("/LogDriver/Name").asText() + " "
                + task.at("/LogDriver/Options/max-size").asText() + " " + task.at("/LogDriver/Options/max-file")
                        .asText());
        JsonNode secret = task.at("/ContainerSpec/Secrets/0");
        assertEquals("HF_TOKEN 10001 10001 256", secret.at("/File/Name").asText() + " "
                + secret.at("/File/UID").asText() + " " + secret.at("/File/GID").asText() + " "
                + secret.at("/File/Mode").asLong());
        assertTrue(secret.path("SecretName").asText().matches("swarmrt_HF_TOKEN_[0-9a-f]{16}"), secret.toString());

        String id = swarm.taskContainer("mainpc", MODEL);
        JsonNode host = JSON.readTree(docker(swarm.engine("mainpc"), "inspect", id)).get(0).path("HostConfig");
        assertEquals(256L << 20, host.path("Memory").asLong());
        assertEquals(500_000_000L, host.path("NanoCpus").asLong());
        assertEquals("nofile 1234 2345", host.at("/Ulimits/0/Name").asText() + " "
                + host.at("/Ulimits/0/Soft").asLong() + " " + host.at("/Ulimits/0/Hard").asLong());
        assertEquals("json-file 1048576 3", host.at("/LogConfig/Type").asText() + " "
                + host.at("/LogConfig/Config/max-size").asText() + " " + host.at("/LogConfig/Config/max-file")
                        .asText());
        List<String> mounts = new ArrayList<>();
        for (JsonNode mount : host.path("Mounts")) {
            mounts.add(mount.path("Type").asText() + " " + mount.path("Source").asText("") + " -> "
                    + mount.path("Target").asText() + (mount.path("ReadOnly").asBoolean() ? " ro" : "")
                    + (mount.has("TmpfsOptions") ? " " + mount.at("/TmpfsOptions/SizeBytes").asLong() : ""));
        }
        assertEquals(List.of("volume swarmrt-cache -> /home/appuser/cache", "bind " + weights + " -> /weights ro",
                "tmpfs  -> /dev/shm " + (256L << 20)), mounts);
        String env = JSON.readTree(docker(swarm.engine("mainpc"), "inspect", id)).get(0).at("/Config/Env").toString();
        assertTrue(env.contains("DOCKER_RESOURCE_NVIDIA-GPU=" + GPU_UUID), "Swarm hands the task its GPU: " + env);

        String inside = docker(swarm.engine("mainpc"), "exec", id, "sh", "-c", "id -u; cat /run/secrets/HF_TOKEN; "
                + "echo; stat -c '%u %g %a' /run/secrets/HF_TOKEN; df -k /dev/shm | tail -n 1; "
                + "touch /home/appuser/cache/written && echo volume-writable; "
                + "touch /weights/x 2>/dev/null || echo weights-read-only; cat /weights/model.bin; "
                + "awk '/Max open files/ {print $4, $5}' /proc/1/limits");
        List<String> lines = inside.lines().toList();
        assertEquals("10001", lines.get(0), inside);
        assertEquals(HF_V1, lines.get(1), "the secret file holds the value, read by uid 10001");
        assertEquals("10001 10001 400", lines.get(2), inside);
        assertTrue(lines.get(3).matches("tmpfs\\s+262144\\s.*/dev/shm"), "256 MiB of shm: " + lines.get(3));
        // the service's own process (pid 1), not the exec'd shell: runc 1.1 may raise an exec'd process's soft limit to
        // its hard one (opencontainers/runc#4195)
        assertEquals(List.of("volume-writable", "weights-read-only", "weights", "1234 2345"), lines.subList(4, 8));

        String shown = everythingShown() + String.join("\n", progress) + report;
        assertTrue(shown.contains(secret.path("SecretName").asText()) && shown.contains(GPU_UUID),
                "what was searched holds the specs, secrets and containers");
        assertFalse(shown.contains(HF_V1), "the secret value is shown by the manager, an engine or the rollout");
        assertFalse(shown.contains(OTHER), "the other secret value is shown");
    }

    @Test
    @Order(2)
    void reapplyingTheSamePlanAndSecretsUpdatesNoService() {
        Map<String, Long> before = versions();
        String secrets = docker(swarm.manager(), "secret", "ls", "--format", "{{.Name}}");
        SwarmReport report = apply(plan(false), HF_V1);

        assertTrue(report.succeeded(), report.why());
        assertTrue(report.changedNothing(), report.outcomes().toString());
        assertEquals(before, versions());
        assertEquals(secrets, docker(swarm.manager(), "secret", "ls", "--format", "{{.Name}}"), "no new secret");
    }

    @Test
    @Order(3)
    void aRotatedSecretUpdatesExactlyTheServiceThatUsesIt() {
        Map<String, Long> before = versions();
        String oldVersion = JSON.valueToTree(manager.service(MODEL).orElseThrow().getSpec()).at(
                "/TaskTemplate/ContainerSpec/Secrets/0/SecretName").asText();
        SwarmReport report = apply(plan(false), HF_V2);

        assertTrue(report.succeeded(), report.why() + "\n" + String.join("\n", progress));
        Map<InstanceId, SwarmOutcome.Action> actions = new TreeMap<>();
        report.outcomes().forEach(o -> actions.put(o.instance(), o.action()));
        assertEquals(Map.of(InstanceId.parse("model@mainpc"), SwarmOutcome.Action.UPDATE,
                InstanceId.parse("plain@mainpc"), SwarmOutcome.Action.UNCHANGED,
                InstanceId.parse("other@pc2"), SwarmOutcome.Action.UNCHANGED), actions);
        Map<String, Long> after = versions();
        assertNotEquals(before.get(MODEL), after.get(MODEL));
        assertEquals(before.get("swarmrt_plain_mainpc"), after.get("swarmrt_plain_mainpc"));
        assertEquals(before.get("swarmrt_other_pc2"), after.get("swarmrt_other_pc2"));
        assertEquals(HF_V2, secretFile("HF_TOKEN"));
        assertTrue(progress.contains("  model@mainpc: updating service " + MODEL + " (same image, changed settings or "
                + "secret versions)"), String.join("\n", progress));
        String newVersion = JSON.valueToTree(manager.service(MODEL).orElseThrow().getSpec()).at(
                "/TaskTemplate/ContainerSpec/Secrets/0/SecretName").asText();
        assertNotEquals(oldVersion, newVersion);
        assertTrue(new TreeSet<>(docker(swarm.manager(), "secret", "ls", "--format", "{{.Name}}").lines().toList())
                .containsAll(List.of(oldVersion, newVersion)), "the old version stays while a rollback may use it");
        String shown = everythingShown() + String.join("\n", progress);
        assertFalse(shown.contains(HF_V1) || shown.contains(HF_V2), "a secret value is shown");
    }

    @Test
    @Order(4)
    void aSecretVersionNoSpecOrRollbackUsesAnyMoreIsRemovedAfterThePlanPassed() {
        List<String> before = secretVersions();
        String v2 = currentVersion();
        SwarmReport report = apply(plan(false), HF_V3);

        assertTrue(report.succeeded(), report.why() + "\n" + String.join("\n", progress));
        String v3 = currentVersion();
        List<String> after = secretVersions();
        assertTrue(after.contains(v3) && after.contains(v2), "in use, and kept for a rollback: " + after);
        List<String> removed = new ArrayList<>(before);
        removed.removeAll(after);
        assertEquals(1, removed.size(), before + " -> " + after);
        assertTrue(removed.get(0).startsWith("swarmrt_HF_TOKEN_"), removed.toString());
        assertTrue(progress.contains("removed secret versions no service uses: " + removed.get(0)),
                String.join("\n", progress));
        assertTrue(after.stream().anyMatch(n -> n.startsWith("swarmrt_OTHER_TOKEN_")), after.toString());
        assertEquals(HF_V3, secretFile("HF_TOKEN"));
    }

    static String currentVersion() {
        return JSON.valueToTree(manager.service(MODEL).orElseThrow().getSpec())
                .at("/TaskTemplate/ContainerSpec/Secrets/0/SecretName").asText();
    }

    static List<String> secretVersions() {
        return docker(swarm.manager(), "secret", "ls", "--format", "{{.Name}}").lines()
                .filter(n -> n.startsWith("swarmrt_")).sorted().toList();
    }

    @Test
    @Order(5)
    void aGpuServiceOnANodeThatAdvertisesNoGpuIsRefusedBeforeAnyChange() {
        Map<String, Long> before = versions();
        SwarmRefused refused = assertThrows(SwarmRefused.class, () -> apply(plan(true), HF_V2));

        assertEquals(List.of("model@pc2: gpus: it reserves 1 NVIDIA-GPU and pc2's node " + swarm.nodeIds.get("pc2")
                + " advertises 0 (start its dockerd with --node-generic-resource NVIDIA-GPU=<GPU UUID> per GPU and "
                + "the NVIDIA runtime as its default; docs/rollout.md)",
                "1 problem(s) the swarm cannot run as asked; nothing was changed"), refused.problems());
        assertEquals(before, versions(), "nothing was changed");
    }
}
