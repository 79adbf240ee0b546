package dev.slipway.plan;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.machine;
import static dev.slipway.dsl.Slipway.service;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.model.DataSize;
import dev.slipway.validation.Fleet;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InstanceGpuMemoryTest {
    @Test
    void eachInstanceCarriesWhatItsServiceReservesOnTheGpu() {
        MachineProfile gpu = machine("gpu").gpu("RTX 4090", DataSize.ofGiB(24), "8.9");
        MachineProfile other = machine("other").gpu("RTX 3060", DataSize.ofGiB(12), "8.6");
        var base = family("base").from(Base.scratch());
        Fleet fleet = Fleet.compile(fleet("f").registry("ghcr.io/org").machines(gpu, other)
                .services(service("llm").family(base).ports(7000, 8000).on(gpu, other).gpuMemory(DataSize.ofGiB(6)))
                .services(service("web").family(base).ports(7001, 8001).on(other))).orThrow();
        FleetPlan plan = FleetPlanner.plan(fleet, BuildIdentity.of(LocalDate.of(2026, 12, 1), "0123456789"));
        assertEquals(Optional.of(DataSize.ofGiB(6)), plan.instance(InstanceId.parse("llm@gpu")).gpuMemory());
        assertEquals(Optional.of(DataSize.ofGiB(6)), plan.instance(InstanceId.parse("llm@other")).gpuMemory());
        assertEquals(Optional.empty(), plan.instance(InstanceId.parse("web@other")).gpuMemory());
    }
}
