package dev.slipway.runner;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.slipway.model.ImageReference;
import dev.slipway.model.Mount;
import dev.slipway.model.Port;
import dev.slipway.model.SecretUse;
import dev.slipway.model.Ulimit;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.InstanceId;
import dev.slipway.plan.LayerPlan;
import dev.slipway.plan.RuntimePlan;
import java.io.IOException;

/**
 * The one JSON mapper of the CLI: stable key order, so the same input prints byte-identical JSON. The plan's typed
 * values print as the text users read elsewhere: an image reference as its name, a port as its number, an instance
 * as {@code service@machine}, a layer as its kind, source and destination (docs/plan-json.md).
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(planValues())
            .addMixIn(ImagePlan.class, ImagePlanView.class)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON for " + value.getClass().getSimpleName(), e);
        }
    }

    /** The lineage's package requests and the root base are what the build reads; the layers already show them. */
    @JsonIgnoreProperties({"rootBase", "packages"})
    private abstract static class ImagePlanView {
    }

    private static SimpleModule planValues() {
        SimpleModule module = new SimpleModule("slipway-plan");
        module.addSerializer(ImageReference.class, new StdSerializer<>(ImageReference.class) {
            @Override
            public void serialize(ImageReference value, JsonGenerator json, SerializerProvider provider)
                    throws IOException {
                json.writeString(value.text());
            }
        });
        module.addSerializer(Port.class, new StdSerializer<>(Port.class) {
            @Override
            public void serialize(Port value, JsonGenerator json, SerializerProvider provider) throws IOException {
                json.writeNumber(value.number());
            }
        });
        module.addSerializer(InstanceId.class, new StdSerializer<>(InstanceId.class) {
            @Override
            public void serialize(InstanceId value, JsonGenerator json, SerializerProvider provider)
                    throws IOException {
                json.writeString(value.toString());
            }
        });
        module.addSerializer(LayerPlan.class, new StdSerializer<>(LayerPlan.class) {
            @Override
            public void serialize(LayerPlan value, JsonGenerator json, SerializerProvider provider)
                    throws IOException {
                json.writeStartObject();
                json.writeStringField("name", value.kind());
                json.writeStringField("source", value.source());
                json.writeStringField("destination", value.destination());
                json.writeEndObject();
            }
        });
        module.addSerializer(RuntimePlan.class, new StdSerializer<>(RuntimePlan.class) {
            @Override
            public void serialize(RuntimePlan value, JsonGenerator json, SerializerProvider provider)
                    throws IOException {
                writeRuntime(value, json);
            }
        });
        return module;
    }

    /** docs/rollout.md, "plan --json": sizes in bytes, names as declared; secret names only, never values. */
    private static void writeRuntime(RuntimePlan runtime, JsonGenerator json) throws IOException {
        json.writeStartObject();
        if (runtime.cpus().isPresent()) {
            json.writeNumberField("cpus", runtime.cpus().get());
        }
        if (!runtime.dependsOn().isEmpty()) {
            json.writeArrayFieldStart("dependsOn");
            for (String service : runtime.dependsOn()) {
                json.writeString(service);
            }
            json.writeEndArray();
        }
        if (runtime.gpuDevices().isPresent()) {
            json.writeArrayFieldStart("gpuDevices"); // [] is every GPU of the machine
            for (String id : runtime.gpuDevices().get()) {
                json.writeString(id);
            }
            json.writeEndArray();
        }
        json.writeObjectFieldStart("logs");
        json.writeNumberField("maxFiles", runtime.logs().maxFiles());
        json.writeNumberField("maxSizeBytes", runtime.logs().maxSize().bytes());
        json.writeEndObject();
        if (runtime.memory().isPresent()) {
            json.writeNumberField("memoryBytes", runtime.memory().get().bytes());
        }
        if (!runtime.mounts().isEmpty()) {
            json.writeArrayFieldStart("mounts");
            for (Mount mount : runtime.mounts()) {
                json.writeStartObject();
                if (mount instanceof Mount.Volume volume) {
                    json.writeStringField("type", "volume");
                    json.writeStringField("source", volume.name());
                    json.writeBooleanField("readOnly", false);
                } else if (mount instanceof Mount.ReadOnlyBind bind) {
                    json.writeStringField("type", "bind");
                    json.writeStringField("source", bind.hostPath());
                    json.writeBooleanField("readOnly", true);
                }
                json.writeStringField("target", mount.containerPath());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        if (!runtime.secrets().isEmpty()) {
            json.writeArrayFieldStart("secrets");
            for (SecretUse secret : runtime.secrets()) {
                json.writeStartObject();
                json.writeStringField("name", secret.name());
                json.writeStringField("delivery", secret.delivery() == SecretUse.Delivery.FILE ? "file" : "env");
                if (secret.delivery() == SecretUse.Delivery.FILE) {
                    json.writeStringField("path", secret.path());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        if (runtime.shmSize().isPresent()) {
            json.writeNumberField("shmSizeBytes", runtime.shmSize().get().bytes());
        }
        if (!runtime.ulimits().isEmpty()) {
            json.writeArrayFieldStart("ulimits");
            for (Ulimit ulimit : runtime.ulimits()) {
                json.writeStartObject();
                json.writeStringField("name", ulimit.name());
                json.writeNumberField("soft", ulimit.soft());
                json.writeNumberField("hard", ulimit.hard());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }
}
