package dev.slipway.bench;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.machine;
import static dev.slipway.dsl.Slipway.service;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Rollout;
import dev.slipway.dsl.Service;
import dev.slipway.model.DataSize;
import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.FleetPlanner;
import dev.slipway.validation.Compilation;
import dev.slipway.validation.Fleet;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.ref.Reference;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Validate + plan time and heap for generated fleets of N services (args: sizes). Each service runs on one or
 * two of N/500 machines, so ports stay unique per machine at any size. Prints one row per size: median of the runs.
 * Peak heap is the collector's high-water mark, garbage included, so it mostly follows -Xmx; what the fleet and the
 * plans hold is measured apart, live after a full collection, and so is what one validate + plan allocates.
 */
public final class ValidatePlanBenchmark {
    private static final int RUNS = 7;

    public static void main(String[] args) {
        int[] sizes = args.length == 0
                ? new int[]{1_000, 10_000, 100_000}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.printf("%10s %10s %14s %12s %14s %10s %10s %10s%n", "services", "machines", "validate ms",
                "plan ms", "peak heap MiB", "fleet MiB", "plans MiB", "alloc MiB");
        for (int size : sizes) {
            long empty = liveHeapBytes();
            FleetSpec spec = generate(size);
            long withFleet = liveHeapBytes();
            long[] validateNanos = new long[RUNS];
            long[] planNanos = new long[RUNS];
            long allocated = 0;
            List<Object> lastPlans = List.of();
            resetPeaks();
            for (int run = 0; run < RUNS; run++) {
                long allocatedBefore = allocatedBytes();
                long start = System.nanoTime();
                Compilation compilation = Fleet.compile(spec);
                long validated = System.nanoTime();
                Fleet fleet = compilation.orThrow();
                BuildIdentity build = BuildIdentity.of(LocalDate.of(2026, 1, 1), "0123456789");
                FleetPlan plan = FleetPlanner.plan(fleet, build);
                long planned = System.nanoTime();
                allocated = allocatedBytes() - allocatedBefore;
                validateNanos[run] = validated - start;
                planNanos[run] = planned - validated;
                if (plan.images().isEmpty() || plan.rollout().waves().isEmpty()) {
                    throw new IllegalStateException("empty plan");
                }
                if (run == RUNS - 1) {
                    lastPlans = List.of(fleet, plan); // only the last: runs must not hold each other's
                }
            }
            long peak = peakHeapBytes();
            long withPlans = liveHeapBytes();
            System.out.printf("%10d %10d %14.1f %12.1f %14.1f %10.1f %10.1f %10.1f%n", size, spec.machines().size(),
                    median(validateNanos) / 1e6, median(planNanos) / 1e6, mib(peak), mib(withFleet - empty),
                    mib(withPlans - withFleet), mib(allocated));
            Reference.reachabilityFence(lastPlans);
        }
    }

    static FleetSpec generate(int services) {
        int machineCount = Math.max(2, services / 500);
        List<MachineProfile> machines = new ArrayList<>();
        for (int m = 0; m < machineCount; m++) {
            machines.add(machine(m == 0 ? "mainpc" : "m" + m).gpu("bench", DataSize.ofGiB(24), "8.9"));
        }
        Family root = family("root").from(Base.scratch());
        Family web = family("web").parent(root).env("A", "1");
        List<Service> list = new ArrayList<>(services);
        for (int i = 0; i < services; i++) {
            int slot = i % 500;
            MachineProfile first = machines.get((i / 500) % machineCount);
            Service s = service("svc_" + i).family(web).ports(2000 + slot, 3000 + slot).on(first)
                    .app("services/svc_" + i).command("python3", "-m", "svc");
            list.add(s);
        }
        return fleet("bench").registry("127.0.0.1:5000/bench").machines(machines.toArray(MachineProfile[]::new))
                .services(list).rollout(Rollout.canaryOn(machines.get(0)).batchesOf(10));
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    /** Heap still reachable after a full collection. */
    private static long liveHeapBytes() {
        System.gc();
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    /** Bytes this thread has allocated so far, garbage included. */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static long peakHeapBytes() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
}
