package dev.slipway.render;

import dev.slipway.model.DataSize;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.InstanceId;
import dev.slipway.plan.InstancePlan;
import dev.slipway.rollout.Action;
import dev.slipway.rollout.InstanceChange;
import dev.slipway.rollout.LivePlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a picture of the fleet shows, read from the plan (and the live plan and build output when given) and never
 * planned again: the family tree, each machine's instances and GPU budget, the live action of each instance.
 */
public final class FleetPicture {
    /** Key of the machine profile document that holds the GPU's memory. */
    static final String GPU_MEMORY_MIB = "gpu_memory_mib";
    static final String GPU_MODEL = "gpu_model";
    static final String EVICT_THRESHOLD = "MODEL_EVICT_THRESHOLD_PCT";

    private final FleetPlan plan;
    private final Optional<LivePlan> live;
    private final Optional<BuildOutput> build;
    private final Map<String, FamilyContents> contents;
    private final Map<String, FamilyNode> families = new LinkedHashMap<>();
    private final Map<String, ImagePlan> imagesByReference = new LinkedHashMap<>();
    private final Map<InstanceId, InstanceChange> changes = new LinkedHashMap<>();

    /** One family: its image, its parent family (or the base it starts from) and the services built on it. */
    public record FamilyNode(ImagePlan image, Optional<String> parent, String base, List<String> services) {
        public String name() {
            return image.name();
        }
    }

    /**
     * A GPU machine's card and what its instances reserve. {@code budget} is what they may reserve together (the
     * card's memory times the eviction threshold), which validation enforces.
     */
    public record GpuBudget(String machine, String gpuModel, DataSize card, int evictThresholdPct,
            List<InstancePlan> reserving) {
        public DataSize budget() {
            return card.percent(evictThresholdPct);
        }

        public DataSize promised() {
            return reserving.stream().map(i -> i.gpuMemory().orElseThrow()).reduce(new DataSize(0), DataSize::plus);
        }

        public boolean overBudget() {
            return promised().compareTo(budget()) > 0;
        }

        /** Within a tenth of the budget, or over it. */
        public boolean nearBudget() {
            return promised().bytes() * 10 >= budget().bytes() * 9;
        }
    }

    public FleetPicture(FleetPlan plan, Optional<LivePlan> live, Optional<BuildOutput> build,
            Map<String, FamilyContents> contents) {
        this.plan = plan;
        this.live = live;
        this.build = build;
        this.contents = Map.copyOf(contents);
        plan.images().forEach(i -> imagesByReference.put(i.image().text(), i));
        Map<String, Set<String>> servicesByFamily = new LinkedHashMap<>();
        for (ImagePlan image : plan.images()) {
            if (image.kind() == ImagePlan.Kind.SERVICE) {
                familyOf(image).ifPresent(f -> servicesByFamily.computeIfAbsent(f.name(), k -> new LinkedHashSet<>())
                        .add(image.name()));
            }
        }
        for (ImagePlan image : plan.images()) {
            if (image.kind() == ImagePlan.Kind.FAMILY) {
                Optional<String> parent = Optional.ofNullable(imagesByReference.get(image.base()))
                        .filter(p -> p.kind() == ImagePlan.Kind.FAMILY).map(ImagePlan::name);
                families.put(image.name(), new FamilyNode(image, parent, image.base(),
                        List.copyOf(servicesByFamily.getOrDefault(image.name(), Set.of()))));
            }
        }
        live.ifPresent(l -> l.changes().forEach(c -> changes.put(c.id(), c)));
    }

    public FleetPlan plan() {
        return plan;
    }

    public Optional<LivePlan> live() {
        return live;
    }

    public Optional<BuildOutput> build() {
        return build;
    }

    public FamilyContents contents(String family) {
        return contents.getOrDefault(family, FamilyContents.NOTHING);
    }

    /** Families in plan order (parents first). */
    public List<FamilyNode> families() {
        return List.copyOf(families.values());
    }

    public List<FamilyNode> children(Optional<String> parent, String base) {
        return families.values().stream().filter(f -> f.parent().equals(parent)
                && (parent.isPresent() || f.base().equals(base))).toList();
    }

    /** The bases root families start from, in plan order. */
    public List<String> rootBases() {
        return families.values().stream().filter(f -> f.parent().isEmpty()).map(FamilyNode::base).distinct().toList();
    }

    public Optional<ImagePlan> image(String reference) {
        return Optional.ofNullable(imagesByReference.get(reference));
    }

    /** The family a service image is built on. */
    public Optional<ImagePlan> familyOf(ImagePlan service) {
        return image(service.base()).filter(i -> i.kind() == ImagePlan.Kind.FAMILY);
    }

    public Optional<InstanceChange> change(InstanceId id) {
        return Optional.ofNullable(changes.get(id));
    }

    /** The live plan's action for an instance; empty without hosts. */
    public Optional<Action> action(InstanceId id) {
        return change(id).map(InstanceChange::action);
    }

    /** Containers the hosts run that the definition no longer has. */
    public List<InstanceChange> removals() {
        return live.map(LivePlan::removals).orElse(List.of());
    }

    /** The machine profile document an instance's image carries. */
    public Map<String, String> profileOf(String machine) {
        for (InstancePlan instance : plan.on(machine)) {
            Optional<ImagePlan> image = image(instance.image().text());
            if (image.isPresent()) {
                return image.get().machineProfile();
            }
        }
        return Map.of();
    }

    /** Every machine with a GPU, in rollout order, and what its instances reserve. */
    public List<GpuBudget> gpuBudgets() {
        List<GpuBudget> budgets = new ArrayList<>();
        for (String machine : plan.machines()) {
            gpuBudget(machine).ifPresent(budgets::add);
        }
        return budgets;
    }

    public Optional<GpuBudget> gpuBudget(String machine) {
        Map<String, String> profile = profileOf(machine);
        long mib = parseLong(profile.get(GPU_MEMORY_MIB));
        if (mib <= 0) {
            return Optional.empty();
        }
        int threshold = (int) Math.max(0, Math.min(100, parseLong(profile.getOrDefault(EVICT_THRESHOLD, "100"))));
        List<InstancePlan> reserving = plan.on(machine).stream().filter(i -> i.gpuMemory().isPresent()).toList();
        return Optional.of(new GpuBudget(machine, profile.getOrDefault(GPU_MODEL, "GPU"), DataSize.ofMiB(mib),
                threshold, reserving));
    }

    private static long parseLong(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
