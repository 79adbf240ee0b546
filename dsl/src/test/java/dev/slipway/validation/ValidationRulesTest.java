package dev.slipway.validation;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.machine;
import static dev.slipway.dsl.Slipway.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.Init;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Rollout;
import dev.slipway.dsl.Service;
import dev.slipway.model.DataSize;
import dev.slipway.model.User;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ValidationRulesTest {
    static final MachineProfile MAINPC = machine("mainpc").gpu("RTX 4090", DataSize.ofGiB(24), "8.9")
            .modelEvictThresholdPct(90);
    static final MachineProfile PC2 = machine("pc2").gpu("RTX 3060", DataSize.ofGiB(12), "8.6")
            .modelEvictThresholdPct(70);
    static final MachineProfile CPUBOX = machine("cpubox");
    static final Family ROOT = family("root").from(Base.scratch());
    static final Family WEB = family("family-web").parent(ROOT);
    static final Family TORCH = family("family-torch").parent(ROOT).cuda("8.6", "8.9");
    static final Family ADA_ONLY = family("family-ada").parent(ROOT).cuda("8.9");

    static FleetSpec fleetOf(Service... services) {
        return fleet("test").registry("127.0.0.1:5000/org").machines(MAINPC, PC2, CPUBOX).services(services)
                .rollout(Rollout.canaryOn(MAINPC));
    }

    static Service web(String name, int servicePort, int healthPort) {
        return service(name).family(WEB).ports(servicePort, healthPort).on(PC2);
    }

    static List<String> problems(FleetSpec spec) {
        return Fleet.compile(spec).problems().stream().map(Problem::toString).toList();
    }

    static void assertOnlyProblem(FleetSpec spec, String expected) {
        assertEquals(List.of(expected), problems(spec));
    }

    @Test
    void aValidFleetCompiles() {
        Compilation compilation = Fleet.compile(fleetOf(web("a", 5000, 6000), web("b", 5001, 6001)));
        assertTrue(compilation.isValid(), () -> compilation.problems().toString());
        assertEquals(List.of("root", "family-web"),
                compilation.orThrow().families().stream().map(Family::name).toList());
    }

    @Nested
    class Names {
        @Test
        void uppercaseOrDottedNamesAreRefused() {
            assertOnlyProblem(fleetOf(web("Bad.Name", 5000, 6000)), "service 'Bad.Name' name: 'Bad.Name' is not a "
                    + "valid name; expected lowercase letters, digits, '_' or '-', starting with a letter or digit");
        }

        @Test
        void duplicateServiceNamesAreRefused() {
            assertOnlyProblem(fleetOf(web("a", 5000, 6000), web("a", 5001, 6001)),
                    "service 'a' name: declared more than once; names must be unique");
        }

        @Test
        void twoDifferentFamiliesWithOneNameAreRefused() {
            Family other = family("family-web").parent(ROOT).env("X", "1");
            Service b = service("b").family(other).ports(5001, 6001).on(PC2);
            assertOnlyProblem(fleetOf(web("a", 5000, 6000), b),
                    "family 'family-web' name: two different families have this name; names must be unique");
        }
    }

    @Nested
    class Ports {
        @Test
        void portsOutsideTheUnprivilegedRangeAreRefused() {
            assertEquals(List.of(
                    "service 'a' ports: health port 70000 is outside 1024-65535; expected an unprivileged port",
                    "service 'a' ports: service port 80 is outside 1024-65535; expected an unprivileged port"),
                    problems(fleetOf(web("a", 80, 70000))));
        }

        @Test
        void servicePortMustDifferFromHealthPort() {
            assertOnlyProblem(fleetOf(web("a", 5000, 5000)),
                    "service 'a' ports: service port and health port are both 5000; expected two different ports");
        }

        @Test
        void aPortUsedTwiceOnOneMachineNamesBothServicesThePortAndTheMachine() {
            assertOnlyProblem(fleetOf(web("a", 5000, 6000), web("b", 6000, 7000)),
                    "service 'b' ports: 6000 is already used on pc2 by 'a'");
        }

        @Test
        void theSamePortOnDifferentMachinesIsFine() {
            Service onMain = service("b").family(WEB).ports(5000, 6000).on(MAINPC);
            assertEquals(List.of(), problems(fleetOf(web("a", 5000, 6000), onMain)));
        }

        @Test
        void aServiceOnTwoMachinesHoldsItsPortsOnBoth() {
            Service both = service("a").family(WEB).ports(5557, 6557).on(MAINPC, PC2);
            Service onMain = service("b").family(WEB).ports(5557, 6560).on(MAINPC);
            Service onPc2 = service("c").family(WEB).ports(7000, 6557).on(PC2);
            assertEquals(List.of("service 'b' ports: 5557 is already used on mainpc by 'a'",
                    "service 'c' ports: 6557 is already used on pc2 by 'a'"), problems(fleetOf(both, onMain, onPc2)));
        }

        @Test
        void everyProblemIsReportedAtOnce() {
            Service root = web("r", 5000, 6000).runAs(User.ROOT).env("GITHUB_TOKEN", "x");
            assertEquals(List.of(
                    "service 'r' env: GITHUB_TOKEN is named like a credential; its value is refused (not shown). "
                            + "Credentials come from the deploy environment, never from the definition",
                    "service 'r' ports: 5000 is already used on pc2 by 'a'",
                    "service 'r' ports: 6000 is already used on pc2 by 'a'",
                    "service 'r' user: runs as root (0:0); expected a non-root user such as appuser (10001:10001)"),
                    problems(fleetOf(web("a", 5000, 6000), root)));
        }
    }

    @Nested
    class Placement {
        @Test
        void aServiceMustRunSomewhere() {
            assertOnlyProblem(fleetOf(service("a").family(WEB).ports(5000, 6000)),
                    "service 'a' machines: runs on no machine; expected one of: cpubox, mainpc, pc2");
        }

        @Test
        void aServiceRunsOnlyOnMachinesOfTheFleet() {
            Service a = service("a").family(WEB).ports(5000, 6000).on(machine("elsewhere"));
            assertOnlyProblem(fleetOf(a),
                    "service 'a' machines: 'elsewhere' is not a machine of this fleet; expected one of: cpubox, mainpc, pc2");
        }

        @Test
        void theCanaryMachineMustBeInTheFleet() {
            FleetSpec spec = fleetOf(web("a", 5000, 6000)).rollout(Rollout.canaryOn(machine("ghost")).batchesOf(0));
            assertEquals(List.of("fleet 'test' rollout: batch size 0 is not positive; expected 1 or more",
                    "fleet 'test' rollout: canary machine 'ghost' is not a machine of this fleet; expected one of: "
                            + "cpubox, mainpc, pc2"),
                    problems(spec));
        }

        @Test
        void theRegistryMustNameAnOrg() {
            assertEquals(List.of("fleet 'test' registry: '' is not a registry path; expected host[:port]/org"),
                    problems(fleetOf(web("a", 5000, 6000)).registry("")));
        }
    }

    @Nested
    class Cuda {
        @Test
        void aCudaFamilyRunsOnMachinesWhoseArchItSupports() {
            Service torch = service("t").family(TORCH).ports(5000, 6000).on(MAINPC, PC2);
            assertEquals(List.of(), problems(fleetOf(torch)));
        }

        @Test
        void aCudaFamilyIsRefusedOnAMachineWithoutGpu() {
            Service torch = service("t").family(TORCH).ports(5000, 6000).on(CPUBOX);
            assertOnlyProblem(fleetOf(torch),
                    "service 't' machines: family family-torch needs CUDA (8.6, 8.9) but cpubox has no GPU");
        }

        @Test
        void aCudaFamilyIsRefusedOnAnUnsupportedArch() {
            Service ada = service("t").family(ADA_ONLY).ports(5000, 6000).on(PC2);
            assertOnlyProblem(fleetOf(ada),
                    "service 't' machines: family family-ada supports CUDA architectures 8.9 but pc2 has 8.6");
        }

        @Test
        void childFamiliesInheritCudaArchs() {
            Family child = family("family-llm").parent(ADA_ONLY);
            Service llm = service("l").family(child).ports(5000, 6000).on(PC2);
            assertOnlyProblem(fleetOf(llm),
                    "service 'l' machines: family family-llm supports CUDA architectures 8.9 but pc2 has 8.6");
        }
    }

    @Nested
    class GpuBudget {
        @Test
        void reservationsWithinTheBudgetPass() {
            Service a = service("a").family(TORCH).ports(5000, 6000).on(PC2).gpuMemory(DataSize.ofGiB(4));
            Service b = service("b").family(TORCH).ports(5001, 6001).on(PC2).gpuMemory(DataSize.ofMiB(4300));
            assertEquals(List.of(), problems(fleetOf(a, b)));
        }

        @Test
        void reservationsBeyondGpuMemoryTimesThresholdAreRefused() {
            Service a = service("a").family(TORCH).ports(5000, 6000).on(PC2).gpuMemory(DataSize.ofGiB(4));
            Service b = service("b").family(TORCH).ports(5001, 6001).on(PC2).gpuMemory(DataSize.ofGiB(5));
            assertOnlyProblem(fleetOf(a, b), "machine 'pc2' gpu memory: services reserve 9 GiB but the budget is "
                    + "8.4 GiB (12 GiB x 70%): a 4 GiB, b 5 GiB");
        }
    }

    @Nested
    class RunAs {
        @Test
        void rootIsRefused() {
            assertOnlyProblem(fleetOf(web("a", 5000, 6000).runAs(User.ROOT)),
                    "service 'a' user: runs as root (0:0); expected a non-root user such as appuser (10001:10001)");
        }

        @Test
        void aServiceWithoutTiniIsRefused() {
            assertOnlyProblem(fleetOf(web("a", 5000, 6000).init(Init.NONE)),
                    "service 'a' init: has no init as PID 1; expected tini");
        }

        @Test
        void oneUidHasOneName() {
            Service rtap = web("b", 5001, 6001).runAs(new User(10001, 10001, "rtap"));
            assertOnlyProblem(fleetOf(web("a", 5000, 6000), rtap),
                    "service 'b' user: uid 10001 is named 'rtap' here but 'appuser' in 'a'; expected one name per uid");
        }

        @Test
        void aUserNameThatIsNoPathSegmentIsRefused() {
            assertOnlyProblem(fleetOf(web("a", 5000, 6000).runAs(new User(10002, 10002, "../etc"))),
                    "service 'a' user: '../etc' is not a user name; expected [a-z_][a-z0-9_-]*, at most 32 characters");
        }
    }

    @Nested
    class Env {
        @Test
        void invalidKeysAreRefused() {
            assertOnlyProblem(fleetOf(web("a", 5000, 6000).env("1BAD-KEY", "x")),
                    "service 'a' env: '1BAD-KEY' is not a valid variable name; expected [A-Za-z_][A-Za-z0-9_]*");
        }

        @Test
        void credentialLookingValuesAreRefusedWithoutPrintingThem() {
            String token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
            List<String> problems = problems(fleetOf(web("a", 5000, 6000).env("REGISTRY_AUTH", token)));
            assertEquals(1, problems.size());
            assertTrue(
                    problems.get(0).startsWith("service 'a' env: the value of REGISTRY_AUTH looks like a credential"));
            assertFalse(problems.get(0).contains(token.substring(4)), "the message must not print the value");
        }

        @Test
        void keysNamedLikeSecretsAreRefusedWhateverTheirValue() {
            List<String> problems = problems(fleetOf(web("a", 5000, 6000)
                    .env("HF_TOKEN", "plain").env("DB_PASSWORD", "hunter2").env("CLIENT_SECRET", "s")));
            assertEquals(3, problems.size());
            assertTrue(problems.stream().noneMatch(p -> p.contains("hunter2")));
        }

        @Test
        void modelSettingsThatMerelyContainTokenAreAllowed() {
            assertEquals(List.of(), problems(fleetOf(web("a", 5000, 6000).env("MAX_NEW_TOKENS", "512"))));
        }

        /** A fake token of the issuer's shape, generated so no credential-shaped literal sits in the source. */
        private static String fake(String prefix, int length, String alphabet) {
            java.util.Random random = new java.util.Random(prefix.hashCode() + length);
            StringBuilder token = new StringBuilder(prefix);
            for (int i = 0; i < length; i++) {
                token.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return token.toString();
        }

        private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        private static final String BASE62 = LETTERS + "0123456789";

        @Test
        void huggingFaceOpenAiAndRandomKeysUnderNeutralNamesAreRefused() {
            Map<String, String> secrets = new java.util.LinkedHashMap<>();
            secrets.put("HUB_AUTH", fake("hf_", 34, LETTERS));
            secrets.put("LLM_CREDENTIAL", fake("sk-", 48, BASE62));
            secrets.put("OPENAI_PROJECT", fake("sk-proj-", 64, BASE62 + "_-"));
            secrets.put("UPSTREAM", "Bearer " + fake("", 40, BASE62));
            secrets.put("WEBHOOK", fake("", 44, BASE62 + "+/") + "=");
            for (Map.Entry<String, String> secret : secrets.entrySet()) {
                List<String> problems = problems(fleetOf(web("a", 5000, 6000).env(secret.getKey(), secret.getValue())));
                assertEquals(List.of("service 'a' env: the value of " + secret.getKey() + " looks like a credential; "
                        + "it is refused (not shown). Credentials come from the deploy environment, never from the "
                        + "definition"), problems, secret.getKey());
            }
        }

        @Test
        void ordinaryValuesAreNotMistakenForSecrets() {
            List<String> ordinary = List.of("meta-llama/Meta-Llama-3.1-8B-Instruct",
                    "mistralai/Mistral-7B-Instruct-v0.3",
                    "TheBloke/Llama-2-13B-chat-GPTQ-4bit-128g-actorder_True", "/models/Qwen2.5-Coder-32B-Instruct-AWQ",
                    "http://model-ops-coordinator:7211/v1/chat/completions", "275b047f7247860080169dcb136d60d064e7546d",
                    "sha256:3f1c0e2a9b7d51be0f9d2c338d21aa04c6e1199f89db2a71b0cebf8b2615a03a",
                    "123e4567-e89b-12d3-a456-426614174000",
                    "sk-learn", "risk-assessment-pipeline-for-speech-models", "hf_transfer",
                    "hf_hub_enable_hf_transfer_for_large_models",
                    "AffectiveProcessingCenterConfigurationV2", "en_US.UTF-8", "INFO", "512", "cuda:0,cuda:1",
                    "--max-model-len=8192 --gpu-memory-utilization=0.90 --tensor-parallel-size=2",
                    "sentence-transformers/all-MiniLM-L6-v2", "nvidia/Llama-3.1-Nemotron-70B-Instruct-HF",
                    "AffectiveProcessingCenterConfigurationManagerServiceV2", "postgresql://db:5432/fleet");
            for (String value : ordinary) {
                assertEquals(List.of(), problems(fleetOf(web("a", 5000, 6000).env("SETTING", value))), value);
            }
        }

        @Test
        void familyEnvIsCheckedToo() {
            Family leaky = family("leaky").parent(ROOT).env("AWS_KEY_ID", "AKIA" + "ABCDEFGHIJKLMNOP");
            Service a = service("a").family(leaky).ports(5000, 6000).on(PC2);
            assertEquals(1, problems(fleetOf(a)).size());
            assertTrue(problems(fleetOf(a)).get(0).startsWith("family 'leaky' env: the value of AWS_KEY_ID"));
        }
    }

    @Nested
    class Pinning {
        @Test
        void aTaggedBaseImageIsRefused() {
            Family floating = family("floating").from(Base.image("registry.example/python:3.11-slim"));
            Service a = service("a").family(floating).ports(5000, 6000).on(PC2);
            assertOnlyProblem(fleetOf(a), "family 'floating' base: 'registry.example/python:3.11-slim' is not pinned; "
                    + "expected repository@sha256:<64 hex digits>");
        }

        @Test
        void aDigestPinnedBaseImageIsAccepted() {
            Family pinned = family("pinned").from(Base.image("registry.example/python@sha256:" + "ab".repeat(32)));
            assertEquals(List.of(), problems(fleetOf(service("a").family(pinned).ports(5000, 6000).on(PC2))));
        }
    }

    @Nested
    class Packages {
        @Test
        void debianFamiliesFromScratchWithValidNamesPass() {
            Family os = family("os").from(Base.scratch()).debian(dev.slipway.dsl.DebianSuite.BOOKWORM, "python3",
                    "tini");
            Family web = family("web").parent(os).debian(dev.slipway.dsl.DebianSuite.BOOKWORM, "python3-uvicorn")
                    .wheels("locks/web.lock");
            assertEquals(List.of(), problems(fleetOf(service("a").family(web).ports(5000, 6000).on(PC2))));
        }

        @Test
        void wheelsOnARegistryBaseAreRefusedNamingTheFamily() {
            Family legacy = family("legacy-py310-cpu").from(Base.image("registry.example/python@sha256:"
                    + "cd".repeat(32))).wheels("locks/legacy.requirements.lock");
            assertOnlyProblem(fleetOf(service("a").family(legacy).ports(5000, 6000).on(PC2)),
                    "family 'legacy-py310-cpu' wheels: installs wheels on top of registry.example/python@sha256:"
                            + "cd".repeat(32) + ", whose Python Slipway cannot see; expected a lineage from "
                            + "Base.scratch() with a Debian python3 package (e.g. .debian(BOOKWORM, \"python3\"))");
        }

        @Test
        void badNamesForeignBasesAndMixedSuitesAreRefused() {
            Family pinned = family("pinned").from(Base.image("registry.example/python@sha256:" + "ab".repeat(32)))
                    .debian(dev.slipway.dsl.DebianSuite.BOOKWORM, "Python3");
            Family trixie = family("trixie").parent(family("os").from(Base.scratch())
                    .debian(dev.slipway.dsl.DebianSuite.BOOKWORM, "tini"))
                    .debian(new dev.slipway.dsl.DebianSuite("trixie", List.of("main"), "amd64"), "curl");
            assertEquals(List.of(
                    "family 'pinned' debian: 'Python3' is not a Debian package name; expected [a-z0-9][a-z0-9+.-]+",
                    "family 'pinned' debian: installs Debian packages on top of registry.example/python@sha256:"
                            + "ab".repeat(32) + "; expected a lineage that starts from Base.scratch()",
                    "family 'trixie' debian: uses trixie main amd64 but its parent uses bookworm main amd64; "
                            + "expected one suite per lineage"),
                    problems(fleetOf(service("a").family(pinned).ports(5000, 6000).on(PC2),
                            service("b").family(trixie).ports(5001, 6001).on(PC2))));
        }
    }

    @Nested
    class Reinstalls {
        final Family os = family("os").from(Base.scratch())
                .debian(dev.slipway.dsl.DebianSuite.BOOKWORM, "python3", "tini");
        final Family pydeps = family("pydeps").parent(os)
                .debian(dev.slipway.dsl.DebianSuite.BOOKWORM, "python3-numpy", "python3-fastapi");

        @Test
        void aFamilyListingWhatItsLineageInstallsIsRefusedNamingTheParent() {
            Family web = family("web").parent(pydeps)
                    .debian(dev.slipway.dsl.DebianSuite.BOOKWORM, "python3-numpy", "python3-websockets", "tini");
            assertEquals(List.of(
                    "family 'web' debian: 'python3-numpy' is already installed by its parent family 'pydeps'; "
                            + "a family never re-installs what its lineage has, remove it",
                    "family 'web' debian: 'tini' is already installed by its parent family 'os'; "
                            + "a family never re-installs what its lineage has, remove it"),
                    problems(fleetOf(service("a").family(web).ports(5000, 6000).on(PC2))));
        }

        @Test
        void aServiceInstallingWithPipOrMakingAVirtualenvIsRefused() {
            Service pip = service("pip").family(pydeps).ports(5000, 6000).on(PC2)
                    .command("python3", "-m", "pip", "install", "--no-cache-dir", "NumPy==1.26.4", "httpx");
            Service venv = service("venv").family(pydeps).ports(5001, 6001).on(PC2)
                    .command("python3", "-m", "venv", "/app/.venv");
            assertEquals(List.of(
                    "service 'pip' command: installs 'httpx' with pip; a service never installs packages, add it to "
                            + "its family 'pydeps' (or a new child family)",
                    "service 'pip' command: installs 'numpy' with pip, which its family already has (python3-numpy "
                            + "from 'pydeps'); remove the install",
                    "service 'venv' command: creates a virtualenv; a service runs on its family 'pydeps' Python and "
                            + "its packages"),
                    problems(fleetOf(pip, venv)));
        }

        @Test
        void aChildAddingOnlyNewPackagesAndAServiceRunningItsAppPass() {
            Family web = family("web").parent(pydeps)
                    .debian(dev.slipway.dsl.DebianSuite.BOOKWORM, "python3-starlette", "gunicorn");
            assertEquals(List.of(), problems(fleetOf(service("a").family(web).ports(5000, 6000).on(PC2)
                    .command("python3", "-m", "a"))));
        }
    }
}
