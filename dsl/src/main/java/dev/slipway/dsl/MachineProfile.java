package dev.slipway.dsl;

import dev.slipway.model.DataSize;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A machine the fleet runs on, with the hardware-aware defaults every image built for it carries
 * (as environment and in {@code /etc/machine-profile.json}).
 */
public record MachineProfile(
        String name,
        Optional<String> gpuModel,
        DataSize gpuMemory,
        Optional<String> cudaArch,
        String gpuVisibleDevices,
        String torchCudaAllocConf,
        int ompNumThreads,
        int uvicornWorkers,
        OptionalInt uvicornWorkersGpu,
        int modelEvictThresholdPct) {

    /** Starts a machine with no GPU and conservative defaults; every value can be replaced. */
    public static MachineProfile machine(String name) {
        return new MachineProfile(name, Optional.empty(), new DataSize(0), Optional.empty(), "", "", 1, 1,
                OptionalInt.empty(), 90);
    }

    public MachineProfile gpu(String model, DataSize memory, String arch) {
        return new MachineProfile(name, Optional.of(model), memory, Optional.of(arch), gpuVisibleDevices,
                torchCudaAllocConf, ompNumThreads, uvicornWorkers, uvicornWorkersGpu, modelEvictThresholdPct);
    }

    public MachineProfile gpuVisibleDevices(String devices) {
        return new MachineProfile(name, gpuModel, gpuMemory, cudaArch, devices, torchCudaAllocConf, ompNumThreads,
                uvicornWorkers, uvicornWorkersGpu, modelEvictThresholdPct);
    }

    public MachineProfile torchCudaAllocConf(String conf) {
        return new MachineProfile(name, gpuModel, gpuMemory, cudaArch, gpuVisibleDevices, conf, ompNumThreads,
                uvicornWorkers, uvicornWorkersGpu, modelEvictThresholdPct);
    }

    public MachineProfile ompNumThreads(int threads) {
        return new MachineProfile(name, gpuModel, gpuMemory, cudaArch, gpuVisibleDevices, torchCudaAllocConf, threads,
                uvicornWorkers, uvicornWorkersGpu, modelEvictThresholdPct);
    }

    public MachineProfile uvicornWorkers(int workers) {
        return new MachineProfile(name, gpuModel, gpuMemory, cudaArch, gpuVisibleDevices, torchCudaAllocConf,
                ompNumThreads, workers, uvicornWorkersGpu, modelEvictThresholdPct);
    }

    public MachineProfile uvicornWorkersGpu(int workers) {
        return new MachineProfile(name, gpuModel, gpuMemory, cudaArch, gpuVisibleDevices, torchCudaAllocConf,
                ompNumThreads, uvicornWorkers, OptionalInt.of(workers), modelEvictThresholdPct);
    }

    public MachineProfile modelEvictThresholdPct(int pct) {
        return new MachineProfile(name, gpuModel, gpuMemory, cudaArch, gpuVisibleDevices, torchCudaAllocConf,
                ompNumThreads, uvicornWorkers, uvicornWorkersGpu, pct);
    }

    public boolean hasGpu() {
        return cudaArch.isPresent();
    }

    /** The GPU device ids of {@code GPU_VISIBLE_DEVICES} ("0,1" is two); empty when the profile lists none. */
    public java.util.List<String> gpuDeviceIds() {
        return java.util.Arrays.stream(gpuVisibleDevices.split(",")).map(String::strip).filter(id -> !id.isEmpty())
                .toList();
    }

    /** GPU memory the services placed here may reserve together: the GPU's memory times the eviction threshold. */
    public DataSize gpuBudget() {
        return gpuMemory.percent(modelEvictThresholdPct);
    }

    /** The profile as environment variables, in a stable order. */
    public Map<String, String> env() {
        Map<String, String> env = new TreeMap<>();
        if (!gpuVisibleDevices.isEmpty()) {
            env.put("GPU_VISIBLE_DEVICES", gpuVisibleDevices);
        }
        cudaArch.ifPresent(arch -> env.put("TORCH_CUDA_ARCH_LIST", arch));
        if (!torchCudaAllocConf.isEmpty()) {
            env.put("TORCH_CUDA_ALLOC_CONF", torchCudaAllocConf);
        }
        env.put("OMP_NUM_THREADS", Integer.toString(ompNumThreads));
        env.put("UVICORN_WORKERS", Integer.toString(uvicornWorkers));
        uvicornWorkersGpu.ifPresent(w -> env.put("UVICORN_WORKERS_GPU", Integer.toString(w)));
        env.put("MODEL_EVICT_THRESHOLD_PCT", Integer.toString(modelEvictThresholdPct));
        env.put("SLIPWAY_MACHINE", name);
        return Collections.unmodifiableMap(env);
    }

    @Override
    public String toString() {
        return name;
    }
}
