package dev.slipway.dsl;

/** How a new fleet revision reaches the machines: every instance on the canary machine first, then batches. */
public record Rollout(String canaryMachine, int batchSize) {

    public static Rollout canaryOn(MachineProfile machine) {
        return new Rollout(machine.name(), 5);
    }

    public Rollout batchesOf(int size) {
        return new Rollout(canaryMachine, size);
    }
}
