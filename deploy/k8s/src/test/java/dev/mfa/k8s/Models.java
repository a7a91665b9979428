package dev.mfa.k8s;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The typed model of every kind deploy/k8s may render, and a strict reader: unknown fields fail (the models'
 * catch-all "additionalProperties" setters are switched off), and the typed object must write back every field
 * of the source with the same value (no silent coercion or loss).
 */
final class Models {

    static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("gateway.networking.k8s.io/v1/Gateway", Gateway.class),
            Map.entry("gateway.networking.k8s.io/v1/HTTPRoute", HTTPRoute.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1/KafkaUser", KafkaUser.class),
            Map.entry("postgresql.cnpg.io/v1/Cluster", CnpgCluster.class),
            Map.entry("postgresql.cnpg.io/v1/Database", CnpgDatabase.class));

    static final ObjectMapper STRICT = strictMapper();
    static final ObjectMapper PLAIN = new ObjectMapper();

    private Models() {}

    private static ObjectMapper strictMapper() {
        SimpleModule strict = new SimpleModule("strict");
        strict.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(
                    DeserializationConfig config, BeanDescription desc, BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                builder.setIgnoreUnknownProperties(false);
                return builder;
            }
        });
        return new ObjectMapper()
                .registerModule(strict)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
    }

    /** Reads {@code node} into its typed model, or throws with the reason. */
    static Object typed(JsonNode node) {
        String key = node.path("apiVersion").asText() + "/" + node.path("kind").asText();
        Class<?> type = KINDS.get(key);
        if (type == null) {
            throw new IllegalArgumentException("no typed model for " + key + " (" + Kustomize.id(node) + ")");
        }
        Object value;
        try {
            value = STRICT.treeToValue(node, type);
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    Kustomize.id(node) + " does not fit " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        List<String> lost = new ArrayList<>();
        covered(node, PLAIN.valueToTree(value), "", lost);
        if (!lost.isEmpty()) {
            throw new IllegalArgumentException(Kustomize.id(node) + ": the typed model does not keep "
                    + lost.subList(0, Math.min(5, lost.size())));
        }
        if (value instanceof Validated v) {
            v.validate();
        }
        return value;
    }

    /** Every field of {@code source} is in {@code typed} with an equal value. */
    static void covered(JsonNode source, JsonNode typed, String path, List<String> lost) {
        if (source.isObject()) {
            if (!typed.isObject()) {
                lost.add(path);
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode t = typed.get(e.getKey());
                if (t == null) {
                    lost.add(path + "/" + e.getKey());
                } else {
                    covered(e.getValue(), t, path + "/" + e.getKey(), lost);
                }
            }
        } else if (source.isArray()) {
            if (!typed.isArray() || typed.size() != source.size()) {
                lost.add(path);
                return;
            }
            for (int i = 0; i < source.size(); i++) {
                covered(source.get(i), typed.get(i), path + "/" + i, lost);
            }
        } else if (source.isNumber() && typed.isNumber()) {
            if (source.decimalValue().compareTo(typed.decimalValue()) != 0) {
                lost.add(path);
            }
        } else if (!source.equals(typed)) {
            lost.add(path + " (" + source + " became " + typed + ")");
        }
    }

    // ------------------------------------------------- CloudNativePG (no Java model on Maven Central): records

    interface Validated {
        void validate();
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** postgresql.cnpg.io/v1 Cluster, the fields deploy/k8s uses (CloudNativePG 1.25+ API reference). */
    record CnpgCluster(String apiVersion, String kind, ObjectMeta metadata, ClusterSpec spec) implements Validated {
        @Override
        public void validate() {
            require(metadata != null && metadata.getName() != null, "Cluster needs metadata.name");
            require(spec != null, "Cluster needs spec");
            require(spec.instances() >= 1, "Cluster spec.instances >= 1");
            require(
                    spec.storage() != null
                            && spec.storage().size() != null
                            && Quantity.getAmountInBytes(spec.storage().size()).compareTo(BigDecimal.ZERO) > 0,
                    "Cluster needs spec.storage.size");
            require(
                    spec.primaryUpdateStrategy() == null
                            || Set.of("supervised", "unsupervised").contains(spec.primaryUpdateStrategy()),
                    "primaryUpdateStrategy is supervised or unsupervised");
            if (spec.managed() != null) {
                for (Role r : spec.managed().roles()) {
                    require(r.name() != null && !r.name().isBlank(), "managed role needs a name");
                    require(
                            r.ensure() == null || Set.of("present", "absent").contains(r.ensure()),
                            "role ensure is present or absent");
                    require(
                            r.passwordSecret() == null || r.passwordSecret().name() != null,
                            "passwordSecret needs a name");
                }
            }
            if (spec.postgresql() != null && spec.postgresql().pg_hba() != null) {
                for (String line : spec.postgresql().pg_hba()) {
                    require(
                            line.matches(
                                    "(host|hostssl|hostnossl|local)\\s+\\S+\\s+\\S+\\s+(\\S+\\s+)?(scram-sha-256|reject|cert|md5|trust|peer)"),
                            "not a pg_hba line: " + line);
                }
            }
        }
    }

    record ClusterSpec(
            int instances,
            Boolean enableSuperuserAccess,
            String primaryUpdateStrategy,
            Storage storage,
            ResourceRequirements resources,
            Affinity affinity,
            Postgresql postgresql,
            Managed managed) {}

    record Storage(Quantity size, String storageClass) {}

    record Affinity(Boolean enablePodAntiAffinity, String topologyKey) {}

    record Postgresql(Map<String, String> parameters, List<String> pg_hba) {}

    record Managed(List<Role> roles) {}

    record Role(
            String name,
            String ensure,
            Boolean login,
            Boolean inherit,
            Integer connectionLimit,
            NameRef passwordSecret) {}

    record NameRef(String name) {}

    /** postgresql.cnpg.io/v1 Database (CloudNativePG 1.25+). */
    record CnpgDatabase(String apiVersion, String kind, ObjectMeta metadata, DatabaseSpec spec) implements Validated {
        @Override
        public void validate() {
            require(metadata != null && metadata.getName() != null, "Database needs metadata.name");
            require(
                    spec != null && spec.name() != null && spec.owner() != null,
                    "Database needs spec.name and spec.owner");
            require(spec.cluster() != null && spec.cluster().name() != null, "Database needs spec.cluster.name");
            require(
                    spec.ensure() == null || Set.of("present", "absent").contains(spec.ensure()),
                    "ensure is present or absent");
            require(
                    spec.databaseReclaimPolicy() == null
                            || Set.of("retain", "delete").contains(spec.databaseReclaimPolicy()),
                    "databaseReclaimPolicy is retain or delete");
        }
    }

    record DatabaseSpec(String name, String owner, NameRef cluster, String ensure, String databaseReclaimPolicy) {}
}
