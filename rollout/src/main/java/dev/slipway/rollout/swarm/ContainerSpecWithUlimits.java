package dev.slipway.rollout.swarm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.Ulimit;
import java.util.List;

/** docker-java 3.5's ContainerSpec with the field it lacks: {@code Ulimits} (Engine API 1.41, Docker 20.10). */
final class ContainerSpecWithUlimits extends ContainerSpec {
    private static final long serialVersionUID = 1L;

    @JsonProperty("Ulimits")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    private final List<Ulimit> ulimits;

    ContainerSpecWithUlimits(List<Ulimit> ulimits) {
        this.ulimits = List.copyOf(ulimits);
    }

    List<Ulimit> ulimits() {
        return ulimits;
    }
}
