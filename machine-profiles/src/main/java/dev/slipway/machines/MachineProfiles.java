package dev.slipway.machines;

import static dev.slipway.dsl.Slipway.machine;

import dev.slipway.dsl.MachineProfile;
import dev.slipway.model.DataSize;

/** The fleet's two machines, with every value of SPEC.md's profile table. */
public final class MachineProfiles {
    private MachineProfiles() {
    }

    /** RTX 4090, 24 GB. UVICORN_WORKERS was first 32, reduced to 8 for GPU services. */
    public static final MachineProfile MAINPC = machine("mainpc")
            .gpu("NVIDIA GeForce RTX 4090", DataSize.ofGiB(24), "8.9")
            .gpuVisibleDevices("0")
            .torchCudaAllocConf("max_split_size_mb:64")
            .ompNumThreads(16)
            .uvicornWorkers(8)
            .uvicornWorkersGpu(4)
            .modelEvictThresholdPct(90);

    /** RTX 3060, 12 GB. */
    public static final MachineProfile PC2 = machine("pc2")
            .gpu("NVIDIA GeForce RTX 3060", DataSize.ofGiB(12), "8.6")
            .gpuVisibleDevices("0")
            .torchCudaAllocConf("max_split_size_mb:32")
            .ompNumThreads(4)
            .uvicornWorkers(8)
            .modelEvictThresholdPct(70);
}
