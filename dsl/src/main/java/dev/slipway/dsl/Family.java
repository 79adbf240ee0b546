package dev.slipway.dsl;

import dev.slipway.model.DataSize;
import dev.slipway.model.GpuRequest;
import dev.slipway.model.LogRotation;
import dev.slipway.model.Ulimit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An image family: a shared base that services build on. A family has either a parent family or a
 * {@link Base}, never neither, so every family chain ends in a base by construction:
 * {@code family("family-web").parent(BASE_CPU_PYDEPS)} or {@code family("base-python").from(Base.scratch())}.
 */
public record Family(
        String name,
        Optional<Family> parent,
        Optional<Base> base,
        List<FileCopy> files,
        Map<String, String> env,
        Set<String> declaredCudaArchs,
        Optional<HealthProbe> declaredProbe,
        Optional<DebianPackages> debian,
        Optional<String> wheelLock,
        RuntimeSettings runtimeDefaults) {

    public Family {
        files = List.copyOf(files);
        env = Collections.unmodifiableMap(new TreeMap<>(env));
        declaredCudaArchs = Collections.unmodifiableSet(new TreeSet<>(declaredCudaArchs));
    }

    /** The first step of declaring a family: it needs a parent or a base before it is a {@link Family}. */
    public static final class Named {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        public Family parent(Family parent) {
            return new Family(name, Optional.of(parent), Optional.empty(), List.of(), Map.of(), Set.of(),
                    Optional.empty(), Optional.empty(), Optional.empty(), RuntimeSettings.NONE);
        }

        public Family from(Base base) {
            return new Family(name, Optional.empty(), Optional.of(base), List.of(), Map.of(), Set.of(),
                    Optional.empty(), Optional.empty(), Optional.empty(), RuntimeSettings.NONE);
        }
    }

    /** Copies a local file or directory (relative to the fleet's directory) to an absolute path in the image. */
    public Family files(String source, String destination) {
        List<FileCopy> more = new ArrayList<>(files);
        more.add(new FileCopy(source, destination));
        return new Family(name, parent, base, more, env, declaredCudaArchs, declaredProbe, debian, wheelLock,
                runtimeDefaults);
    }

    public Family env(String key, String value) {
        Map<String, String> more = new TreeMap<>(env);
        more.put(key, value);
        return new Family(name, parent, base, files, more, declaredCudaArchs, declaredProbe, debian, wheelLock,
                runtimeDefaults);
    }

    /** The CUDA architectures (e.g. "8.6", "8.9") this family's binaries support; declaring any makes it a GPU family. */
    public Family cuda(String... archs) {
        return new Family(name, parent, base, files, env, new TreeSet<>(List.of(archs)), declaredProbe, debian,
                wheelLock, runtimeDefaults);
    }

    /**
     * Installs Debian packages (and, once locked, their whole dependency closure) as the family's OS layer:
     * {@code family("base-python").from(Base.scratch()).debian(BOOKWORM, "python3", "tini", "ca-certificates")}.
     * A child family lists only what it adds; what its parent has is not installed again.
     */
    public Family debian(DebianSuite suite, String... packages) {
        return new Family(name, parent, base, files, env, declaredCudaArchs, declaredProbe,
                Optional.of(new DebianPackages(suite, List.of(packages))), wheelLock, runtimeDefaults);
    }

    /**
     * Installs hash-locked Python wheels (a pip {@code --require-hashes} lock, relative to the fleet's directory)
     * as the family's Python dependency layer.
     */
    public Family wheels(String requirementsLock) {
        return new Family(name, parent, base, files, env, declaredCudaArchs, declaredProbe, debian,
                Optional.of(requirementsLock), runtimeDefaults);
    }

    /** The command the image's health check runs; inherited, {@link HealthProbe#PYTHON3} by default. */
    public Family healthProbe(HealthProbe probe) {
        return new Family(name, parent, base, files, env, declaredCudaArchs, Optional.of(probe), debian,
                wheelLock, runtimeDefaults);
    }

    /** Services of this family (and its children) use all GPUs of their machine unless they say otherwise. */
    public Family gpus() {
        return withRuntime(runtimeDefaults.withGpus(GpuRequest.ALL));
    }

    /** The /dev/shm size the family's services get unless they set their own (torch and vLLM need more than 64 MiB). */
    public Family shmSize(DataSize size) {
        return withRuntime(runtimeDefaults.withShmSize(size));
    }

    public Family memory(DataSize limit) {
        return withRuntime(runtimeDefaults.withMemory(limit));
    }

    public Family cpus(double limit) {
        return withRuntime(runtimeDefaults.withCpus(limit));
    }

    public Family ulimit(String name, long soft, long hard) {
        return withRuntime(runtimeDefaults.withUlimit(new Ulimit(name, soft, hard)));
    }

    public Family logs(DataSize maxSize, int maxFiles) {
        return withRuntime(runtimeDefaults.withLogs(new LogRotation(maxSize, maxFiles)));
    }

    /** Runtime defaults from the whole lineage, children overriding parents. */
    public RuntimeSettings inheritedRuntime() {
        RuntimeSettings merged = RuntimeSettings.NONE;
        for (Family f : lineage()) {
            merged = f.runtimeDefaults().over(merged);
        }
        return merged;
    }

    private Family withRuntime(RuntimeSettings settings) {
        return new Family(name, parent, base, files, env, declaredCudaArchs, declaredProbe, debian, wheelLock,
                settings);
    }

    public HealthProbe probe() {
        return declaredProbe.or(() -> parent.map(Family::probe)).orElse(HealthProbe.PYTHON3);
    }

    /** The family's own CUDA architectures, or its parent's when it declares none. Empty for CPU families. */
    public Set<String> cudaArchs() {
        if (!declaredCudaArchs.isEmpty()) {
            return declaredCudaArchs;
        }
        return parent.map(Family::cudaArchs).orElse(Set.of());
    }

    public boolean needsCuda() {
        return !cudaArchs().isEmpty();
    }

    /** The family itself and its ancestors, root first. */
    public List<Family> lineage() {
        List<Family> chain = new ArrayList<>();
        for (Optional<Family> f = Optional.of(this); f.isPresent(); f = f.get().parent()) {
            chain.add(0, f.get());
        }
        return chain;
    }

    /** Environment from the whole lineage, children overriding parents. */
    public Map<String, String> inheritedEnv() {
        Map<String, String> merged = new TreeMap<>();
        lineage().forEach(f -> merged.putAll(f.env()));
        return merged;
    }

    /** The Debian suite of the nearest family in the lineage that installs packages. */
    public Optional<DebianSuite> debianSuite() {
        return debian.map(DebianPackages::suite).or(() -> parent.flatMap(Family::debianSuite));
    }

    public Base rootBase() {
        return lineage().get(0).base().orElseThrow();
    }

    @Override
    public String toString() {
        return name;
    }
}
