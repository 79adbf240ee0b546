package dev.slipway.rollout.swarm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.dockerjava.api.model.ResourceSpecs;
import java.util.List;

/**
 * docker-java 3.5's ResourceSpecs with the field it lacks: {@code GenericResources}, as a task reserves them: a
 * count of one kind ({@code docker service create --generic-resource NVIDIA-GPU=1}); Swarm's scheduler places a
 * task only by counts and picks which of the node's named resources it gets.
 */
final class ResourceSpecsWithGenericResources extends ResourceSpecs {
    private static final long serialVersionUID = 1L;

    @JsonProperty("GenericResources")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    private final List<Discrete> genericResources;

    ResourceSpecsWithGenericResources(List<Discrete> genericResources) {
        this.genericResources = List.copyOf(genericResources);
    }

    List<Discrete> genericResources() {
        return genericResources;
    }

    /** {@code {"DiscreteResourceSpec": {"Kind": kind, "Value": value}}}. */
    record Discrete(@JsonProperty("DiscreteResourceSpec") Count spec) {
        Discrete(String kind, long value) {
            this(new Count(kind, value));
        }
    }

    record Count(@JsonProperty("Kind") String kind, @JsonProperty("Value") long value) {
    }
}
