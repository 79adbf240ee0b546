package dev.slipway.rollout.swarm;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.machine;
import static dev.slipway.dsl.Slipway.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.ServiceSpec;
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
import dev.slipway.validation.Fleet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a Swarm service spec carries of an instance's runtime settings, and what Swarm cannot express is refused. */
class SwarmServiceSpecsTest {
    static final MachineProfile TWO_GPUS = machine("twogpus").gpu("RTX A6000", DataSize.ofGiB(48), "8.6")
            .gpuVisibleDevices("0,1");
    static final Family BUSYBOX = family("busybox").from(Base.scratch()).healthProbe(HealthProbe.BUSYBOX_WGET);
    static final Map<String, SwarmSecret> TOKEN_V1 = Map.of("HF_TOKEN",
            new SwarmSecret("specs_HF_TOKEN_0123456789abcdef", "secretid1"));
    private static final ObjectMapper JSON = new ObjectMapper();

    static FleetPlan plan(Service... services) {
        var spec = fleet("specs").registry("registry.invalid/slipway").machines(TWO_GPUS).families(BUSYBOX)
                .services(services).rollout(Rollout.canaryOn(TWO_GPUS));
        return FleetPlanner.plan(Fleet.compile(spec).orThrow(), new BuildIdentity("t1", "0123456789abcdef"));
    }

    static Service web(String name, int n) {
        return service(name).family(BUSYBOX).ports(17300 + n, 18300 + n).on(TWO_GPUS);
    }

    static Service everything(DataSize memory) {
        return web("model", 1).gpus().memory(memory).cpus(1.5).ulimit("nofile", 4096, 8192)
                .volume("hf-cache", "/home/appuser/.cache/huggingface").readOnlyBind("/srv/models", "/models")
                .shmSize(DataSize.ofGiB(2)).logs(DataSize.ofMiB(20), 3).secret("HF_TOKEN");
    }

    static JsonNode json(ServiceSpec spec) {
        return JSON.valueToTree(spec);
    }

    @Test
    void whatSwarmCannotExpressIsRefusedOneLinePerInstanceAndSetting() {
        FleetPlan plan = plan(everything(DataSize.ofGiB(8)), web("pinned", 2).gpus("1"),
                web("envtoken", 3).secretAsEnv("HF_TOKEN").secretAsEnv("OPENAI_KEY"),
                web("longname", 4).secret("A_SECRET_NAME_SO_LONG_THAT_SWARM_CANNOT_NAME_ITS_VERSIONS"));

        List<String> refusals = SwarmServiceSpecs.refusals(plan);

        assertEquals(List.of(
                "pinned@twogpus: gpus 1: Swarm reserves a number of NVIDIA-GPU and picks which of the node's GPUs "
                        + "a task gets, so it cannot pin device(s) 1 of twogpus's 0,1; ask for all of them, or use "
                        + "--host",
                "envtoken@twogpus: secret HF_TOKEN as an environment variable: Swarm hands a secret to a task only "
                        + "as a file, and an env value would stand in the service spec; deliver it as the file "
                        + "/run/secrets/HF_TOKEN, or use --host",
                "envtoken@twogpus: secret OPENAI_KEY as an environment variable: Swarm hands a secret to a task "
                        + "only as a file, and an env value would stand in the service spec; deliver it as the file "
                        + "/run/secrets/OPENAI_KEY, or use --host",
                "longname@twogpus: secret A_SECRET_NAME_SO_LONG_THAT_SWARM_CANNOT_NAME_ITS_VERSIONS: its Swarm name "
                        + "specs_A_SECRET_NAME_SO_LONG_THAT_SWARM_CANNOT_NAME_ITS_VERSIONS_<digest> is 80 characters, "
                        + "over Swarm's 64; shorten the fleet or secret name"),
                refusals);
        SwarmServiceSpecs specs = new SwarmServiceSpecs(plan, TOKEN_V1);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> specs.spec(plan.instance(InstanceId.parse("pinned@twogpus"))));
        assertTrue(refused.getMessage().contains("cannot pin device(s) 1"), refused.getMessage());
    }

    @Test
    void everyRuntimeSettingSwarmExpressesIsInTheSpec() {
        FleetPlan plan = plan(everything(DataSize.ofGiB(8)));
        JsonNode task = json(new SwarmServiceSpecs(plan, TOKEN_V1)
                .spec(plan.instance(InstanceId.parse("model@twogpus")))).path("TaskTemplate");

        assertEquals(8L << 30, task.at("/Resources/Limits/MemoryBytes").asLong());
        assertEquals(1_500_000_000L, task.at("/Resources/Limits/NanoCPUs").asLong());
        assertEquals("[{\"DiscreteResourceSpec\":{\"Kind\":\"NVIDIA-GPU\",\"Value\":2}}]",
                task.at("/Resources/Reservations/GenericResources").toString(), "every GPU of the machine, a count");
        JsonNode container = task.path("ContainerSpec");
        JsonNode ulimit = container.path("Ulimits").get(0);
        assertEquals("nofile 4096 8192", ulimit.path("Name").asText() + " " + ulimit.path("Soft").asLong() + " "
                + ulimit.path("Hard").asLong());
        JsonNode mounts = container.path("Mounts");
        assertEquals(3, mounts.size(), mounts.toString());
        assertEquals(List.of("volume hf-cache /home/appuser/.cache/huggingface false specs",
                "bind /srv/models /models true", "tmpfs  /dev/shm false " + (2L << 30)),
                List.of(mount(mounts.get(0)) + " " + mounts.get(0).at("/VolumeOptions/Labels/dev.slipway.fleet")
                        .asText(), mount(mounts.get(1)), mount(mounts.get(2)) + " "
                                + mounts.get(2).at("/TmpfsOptions/SizeBytes").asLong()));
        assertEquals("json-file", task.at("/LogDriver/Name").asText());
        assertEquals(Long.toString(20L << 20), task.at("/LogDriver/Options/max-size").asText());
        assertEquals("3", task.at("/LogDriver/Options/max-file").asText());
        JsonNode secret = container.path("Secrets").get(0);
        assertEquals("specs_HF_TOKEN_0123456789abcdef secretid1 HF_TOKEN 10001 10001 256",
                secret.path("SecretName").asText() + " " + secret.path("SecretID").asText() + " "
                        + secret.at("/File/Name").asText() + " " + secret.at("/File/UID").asText() + " "
                        + secret.at("/File/GID").asText() + " " + secret.at("/File/Mode").asLong());
    }

    private static String mount(JsonNode mount) {
        return mount.path("Type").asText() + " " + mount.path("Source").asText("") + " "
                + mount.path("Target").asText() + " " + mount.path("ReadOnly").asBoolean(false);
    }

    @Test
    void theSettingsLabelChangesWithASettingOrASecretVersionAndOnlyThen() {
        InstanceId model = InstanceId.parse("model@twogpus");
        String v1 = settings(plan(everything(DataSize.ofGiB(8))), TOKEN_V1, model);

        assertEquals(v1, settings(plan(everything(DataSize.ofGiB(8))), TOKEN_V1, model), "same plan, same label");
        assertNotEquals(v1, settings(plan(everything(DataSize.ofGiB(16))), TOKEN_V1, model), "memory limit");
        assertNotEquals(v1, settings(plan(everything(DataSize.ofGiB(8))), Map.of("HF_TOKEN",
                new SwarmSecret("specs_HF_TOKEN_fedcba9876543210", "secretid2")), model), "a rotated secret");
    }

    private static String settings(FleetPlan plan, Map<String, SwarmSecret> secrets, InstanceId id) {
        return new SwarmServiceSpecs(plan, secrets).spec(plan.instance(id)).getLabels()
                .get(SwarmServiceSpecs.SETTINGS);
    }
}
