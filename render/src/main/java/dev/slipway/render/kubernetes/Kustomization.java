package dev.slipway.render.kubernetes;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** {@code kustomization.yaml}: the manifests {@code kubectl apply -k DIR} applies (fabric8 has no type for it). */
@JsonPropertyOrder({"apiVersion", "kind", "resources"})
public record Kustomization(String apiVersion, String kind, List<String> resources) {
    public static final String FILE_NAME = "kustomization.yaml";

    public Kustomization {
        resources = List.copyOf(resources);
    }

    static Kustomization of(List<String> resources) {
        return new Kustomization("kustomize.config.k8s.io/v1beta1", "Kustomization", resources);
    }
}
