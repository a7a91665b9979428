package dev.mfa.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Kafka topics and ACLs against the contract, PostgreSQL databases and roles, network policies and ingress. */
class PlatformConsistencyTest {

    static List<String> overlays() {
        return Repo.overlays();
    }

    static String topicName(KafkaTopic t) {
        return t.getSpec().getTopicName() != null
                ? t.getSpec().getTopicName()
                : t.getMetadata().getName();
    }

    // ------------------------------------------------------------------------------------------------ Kafka

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContractTopicAndItsDlqHasExactlyOneKafkaTopic(String overlay) {
        Set<String> expected = new TreeSet<>();
        Repo.contractTopics().forEach(row -> {
            expected.add(row.topic());
            expected.add(row.topic() + ".dlq");
        });
        List<String> rendered = Repo.rendered(overlay).all(KafkaTopic.class).stream()
                .map(PlatformConsistencyTest::topicName)
                .toList();
        assertThat(rendered).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(rendered)).isEqualTo(expected);
        for (KafkaTopic t : Repo.rendered(overlay).all(KafkaTopic.class)) {
            assertThat(t.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "mfa-kafka");
            assertThat(t.getSpec().getPartitions()).isPositive();
            assertThat(t.getSpec().getConfig()).containsKeys("retention.ms", "min.insync.replicas");
            assertThat(Long.parseLong(
                            t.getSpec().getConfig().get("retention.ms").toString()))
                    .isPositive();
        }
    }

    @Test
    void prodTopicsAreReplicatedThreeTimesWithTwoInSync() {
        for (KafkaTopic t : Repo.rendered("prod").all(KafkaTopic.class)) {
            assertThat(t.getSpec().getReplicas()).as(topicName(t)).isEqualTo(3);
            assertThat(t.getSpec().getConfig().get("min.insync.replicas").toString())
                    .as(topicName(t))
                    .isEqualTo("2");
        }
    }

    record Grant(String type, String name, AclOperation op) implements Comparable<Grant> {
        @Override
        public int compareTo(Grant o) {
            return toString().compareTo(o.toString());
        }
    }

    /** What the contract allows a service: produce, consume, its DLQs, its consumer group. */
    static Set<Grant> expectedGrants(String service) {
        Set<Grant> g = new TreeSet<>();
        for (Repo.TopicRow row : Repo.contractTopics()) {
            if (row.producers().contains(service)) {
                g.add(new Grant("topic", row.topic(), AclOperation.WRITE));
                g.add(new Grant("topic", row.topic(), AclOperation.DESCRIBE));
            }
            if (row.consumers().contains(service)) {
                g.add(new Grant("topic", row.topic(), AclOperation.READ));
                g.add(new Grant("topic", row.topic(), AclOperation.DESCRIBE));
                g.add(new Grant("topic", row.topic() + ".dlq", AclOperation.WRITE));
                g.add(new Grant("topic", row.topic() + ".dlq", AclOperation.DESCRIBE));
            }
        }
        g.add(new Grant("group", consumerGroup(service), AclOperation.READ));
        return g;
    }

    /** The consumer group of a service: group.id of its incoming channels, else quarkus.application.name. */
    static String consumerGroup(String service) {
        Properties p = Repo.properties(service);
        Set<String> groups = new TreeSet<>();
        p.stringPropertyNames().stream()
                .filter(k -> k.matches("mp\\.messaging\\.incoming\\.[^.]+\\.group\\.id"))
                .forEach(k -> groups.add(p.getProperty(k)));
        if (groups.isEmpty()) {
            groups.add(p.getProperty("quarkus.application.name"));
        }
        assertThat(groups).as("%s uses one consumer group", service).hasSize(1);
        return groups.iterator().next();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaUserAclsAreExactlyTheContractsProducerConsumerTable(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay);
        assertThat(r.all(KafkaUser.class))
                .extracting(u -> u.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(Repo.SERVICES.values());
        for (KafkaUser u : r.all(KafkaUser.class)) {
            String svc = u.getMetadata().getName();
            assertThat(u.getSpec().getAuthentication()).isInstanceOf(KafkaUserScramSha512ClientAuthentication.class);
            KafkaUserAuthorizationSimple authz =
                    (KafkaUserAuthorizationSimple) u.getSpec().getAuthorization();
            Set<Grant> actual = new TreeSet<>();
            for (AclRule rule : authz.getAcls()) {
                assertThat(rule.getType() == null || rule.getType() == AclRuleType.ALLOW)
                        .isTrue();
                assertThat(rule.getHost() == null || rule.getHost().equals("*")).isTrue();
                List<AclOperation> ops =
                        rule.getOperations() != null ? rule.getOperations() : List.of(rule.getOperation());
                String type;
                String name;
                AclResourcePatternType pattern;
                if (rule.getResource() instanceof AclRuleTopicResource t) {
                    type = "topic";
                    name = t.getName();
                    pattern = t.getPatternType();
                } else if (rule.getResource() instanceof AclRuleGroupResource g) {
                    type = "group";
                    name = g.getName();
                    pattern = g.getPatternType();
                } else {
                    throw new AssertionError(svc + ": ACL on an unexpected resource " + rule.getResource());
                }
                assertThat(pattern == null || pattern == AclResourcePatternType.LITERAL)
                        .as("%s %s literal", svc, name)
                        .isTrue();
                assertThat(name).doesNotContain("*");
                ops.forEach(op -> actual.add(new Grant(type, name, op)));
            }
            assertThat(actual).as("ACLs of %s", svc).isEqualTo(expectedGrants(svc));
        }
    }

    @Test
    void everyConfiguredIncomingChannelIsCoveredByTheAcls() {
        for (String svc : Repo.SERVICES.values()) {
            Set<Grant> grants = expectedGrants(svc);
            Properties p = Repo.properties(svc);
            for (String k : p.stringPropertyNames()) {
                if (k.matches("mp\\.messaging\\.incoming\\.[^.]+\\.topic")) {
                    String topic = p.getProperty(k);
                    assertThat(grants)
                            .as("%s consumes %s (%s)", svc, topic, k)
                            .contains(new Grant("topic", topic, AclOperation.READ));
                }
                if (k.matches("mp\\.messaging\\.incoming\\.[^.]+\\.dead-letter-queue\\.topic")) {
                    String topic = p.getProperty(k);
                    assertThat(grants)
                            .as("%s dead-letters to %s (%s)", svc, topic, k)
                            .contains(new Grant("topic", topic, AclOperation.WRITE));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceAuthenticatesToKafkaAsItsOwnUserAndTheEdgeNotAtAll(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay);
        for (Deployment d : r.all(Deployment.class)) {
            Map<String, String> env = DeploymentConsistencyTest.environment(r, d);
            if (d.getMetadata().getName().equals(Repo.EDGE)) {
                assertThat(env.keySet()).noneMatch(k -> k.startsWith("KAFKA_"));
                continue;
            }
            assertThat(env)
                    .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                    .containsEntry(
                            "KAFKA_SASL_JAAS_CONFIG",
                            "secret:" + d.getMetadata().getName() + "/sasl.jaas.config");
        }
    }

    // ---------------------------------------------------------------------------------------------- Postgres

    @ParameterizedTest
    @MethodSource("overlays")
    void oneDatabaseAndRolePerServiceEachOnlyOpeningItsOwnDatabase(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay);
        List<Models.CnpgCluster> clusters = r.all(Models.CnpgCluster.class);
        assertThat(clusters).hasSize(1);
        Models.CnpgCluster cluster = clusters.get(0);
        assertThat(cluster.spec().enableSuperuserAccess()).isFalse();
        if (overlay.equals("prod")) {
            assertThat(cluster.spec().instances()).isGreaterThanOrEqualTo(3);
        }
        Map<String, Models.Role> roles = new HashMap<>();
        cluster.spec().managed().roles().forEach(role -> roles.put(role.name(), role));
        List<String> hba = cluster.spec().postgresql().pg_hba();
        assertThat(r.all(Models.CnpgDatabase.class)).hasSize(Repo.SERVICES.size());
        for (String svc : Repo.SERVICES.values()) {
            Deployment d = r.one(Deployment.class, svc);
            Map<String, String> env = DeploymentConsistencyTest.environment(r, d);
            String db =
                    env.get("QUARKUS_DATASOURCE_JDBC_URL").replaceFirst("^jdbc:postgresql://[^/]+/([^?]+).*$", "$1");
            assertThat(env.get("QUARKUS_DATASOURCE_JDBC_URL"))
                    .contains("//" + cluster.metadata().getName() + "-rw:");
            Models.CnpgDatabase database = r.all(Models.CnpgDatabase.class).stream()
                    .filter(x -> x.spec().name().equals(db))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no Database " + db));
            assertThat(database.spec().cluster().name())
                    .isEqualTo(cluster.metadata().getName());
            Models.Role owner = roles.get(database.spec().owner());
            assertThat(owner).as("owner role of %s", db).isNotNull();
            assertThat(owner.login()).isTrue();
            String secret = owner.passwordSecret().name();
            assertThat(env)
                    .containsEntry("MFA_DB_USERNAME", "secret:" + secret + "/username")
                    .containsEntry("MFA_DB_PASSWORD", "secret:" + secret + "/password");
            assertThat(hba).contains("hostssl " + db + " " + owner.name() + " all scram-sha-256");
            // every other line naming this role rejects or is its own database
            hba.stream()
                    .filter(l -> l.split("\\s+")[2].contains(owner.name()) && !l.split("\\s+")[1].equals(db))
                    .forEach(l -> assertThat(l).endsWith("reject"));
        }
        // the reject line comes after the allow lines, so pg_hba's first match gives each role only its own database
        assertThat(hba.get(hba.size() - 1)).endsWith("reject");
    }

    // ------------------------------------------------------------------------------------------------ Network

    static boolean selects(LabelSelector s, Map<String, String> labels) {
        return s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty()
                ? labels.entrySet()
                        .containsAll(
                                s.getMatchLabels() == null
                                        ? Set.of()
                                        : s.getMatchLabels().entrySet())
                : false;
    }

    static List<NetworkPolicy> policiesFor(Repo.Rendered r, Deployment d) {
        Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
        return r.all(NetworkPolicy.class).stream()
                .filter(np -> selects(np.getSpec().getPodSelector(), labels))
                .toList();
    }

    static String peer(NetworkPolicyPeer p) {
        if (p.getIpBlock() != null) {
            return "ip:" + p.getIpBlock().getCidr();
        }
        String ns = p.getNamespaceSelector() == null
                ? "(same)"
                : String.valueOf(p.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"));
        String pod = p.getPodSelector() == null
                ? "*"
                : String.valueOf(p.getPodSelector().getMatchLabels());
        return ns + "/" + pod;
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void onlyTheEdgeAndTheGatewayReachTheApisAndOnlyThePublicGatewayReachesNotificationAndTheEdge(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay);
        String prometheus = "monitoring/{app.kubernetes.io/name=prometheus}";
        // The Envoy proxies of Gateway mfa-public (platform/gateway.yaml), as Envoy Gateway labels them.
        String envoy = "envoy-gateway-system/{app.kubernetes.io/name=envoy, "
                + "gateway.envoyproxy.io/owning-gateway-name=mfa-public}";
        String edge = "(same)/{app.kubernetes.io/name=" + Repo.EDGE + "}";
        Map<String, Set<String>> allowed = Map.of(
                "enrollment-service",
                Set.of(edge, "api-gateway/{app.kubernetes.io/name=api-gateway}", prometheus),
                "verification-service",
                Set.of(edge, "api-gateway/{app.kubernetes.io/name=api-gateway}", prometheus),
                "notification-service",
                Set.of(envoy, prometheus),
                "deadline-scheduler",
                Set.of(prometheus),
                Repo.EDGE,
                Set.of(envoy));
        for (Deployment d : r.all(Deployment.class)) {
            String svc = d.getMetadata().getName();
            int port = Repo.httpPort(svc);
            List<NetworkPolicy> policies = policiesFor(r, d);
            assertThat(policies)
                    .as("%s is under a default-deny for both directions", svc)
                    .anyMatch(np -> np.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                            && np.getSpec().getIngress().isEmpty()
                            && np.getSpec().getEgress().isEmpty());
            Set<String> peers = new TreeSet<>();
            for (NetworkPolicy np : policies) {
                for (NetworkPolicyIngressRule rule : np.getSpec().getIngress()) {
                    assertThat(rule.getFrom())
                            .as(
                                    "%s: no ingress rule from everywhere",
                                    np.getMetadata().getName())
                            .isNotEmpty();
                    assertThat(rule.getPorts())
                            .as("%s: ingress only to the http port", svc)
                            .isNotEmpty()
                            .allSatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(port));
                    rule.getFrom().forEach(p -> peers.add(peer(p)));
                }
            }
            assertThat(peers).as("who reaches %s", svc).isEqualTo(new TreeSet<>(allowed.get(svc)));
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void servicesReachOnlyDnsKafkaPostgresNotificationTheVonageApiAndEnrollmentTheIdentityProvider(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay);
        for (Deployment d : r.all(Deployment.class)) {
            String svc = d.getMetadata().getName();
            Set<String> egress = new TreeSet<>();
            for (NetworkPolicy np : policiesFor(r, d)) {
                for (NetworkPolicyEgressRule rule : np.getSpec().getEgress()) {
                    assertThat(rule.getTo())
                            .as(
                                    "%s: no egress rule to everywhere",
                                    np.getMetadata().getName())
                            .isNotEmpty();
                    assertThat(rule.getPorts())
                            .as(
                                    "%s: egress rules name their ports",
                                    np.getMetadata().getName())
                            .isNotEmpty();
                    for (NetworkPolicyPeer p : rule.getTo()) {
                        rule.getPorts()
                                .forEach(port -> egress.add(
                                        peer(p) + ":" + port.getPort().getIntVal()));
                    }
                }
            }
            Set<String> expected = new TreeSet<>(Set.of(
                    "kube-system/{k8s-app=kube-dns}:53",
                    "kafka/{strimzi.io/cluster=mfa-kafka, strimzi.io/kind=Kafka}:9093",
                    "(same)/{cnpg.io/cluster=mfa-pg}:5432"));
            if (svc.equals("notification-service")) {
                expected.add("ip:0.0.0.0/0:443");
                expected.add("ip:0.0.0.0/0:587"); // SMTP submission (STARTTLS) for e-mail notices
            }
            if (svc.equals(Repo.EDGE)) {
                // the two services it proxies to, and the OpenID Connect provider (sign-in)
                expected.add(
                        "(same)/{app.kubernetes.io/name=enrollment-service}:" + Repo.httpPort("enrollment-service"));
                expected.add("(same)/{app.kubernetes.io/name=verification-service}:"
                        + Repo.httpPort("verification-service"));
                expected.add("identity/{app.kubernetes.io/name=identity-provider}:443");
            }
            if (svc.equals("enrollment-service")) {
                // reauth's password check (MFA_REAUTH_VERIFY_URL); the overlay points it at the identity provider
                expected.add("identity/{app.kubernetes.io/name=identity-provider}:443");
            }
            assertThat(egress).as("where %s may connect", svc).isEqualTo(expected);
        }
        // the public-address rule excludes every private range
        r.all(NetworkPolicy.class)
                .forEach(np -> np.getSpec()
                        .getEgress()
                        .forEach(rule -> rule.getTo().stream()
                                .filter(p -> p.getIpBlock() != null)
                                .forEach(p -> assertThat(p.getIpBlock().getExcept())
                                        .contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))));
    }

    /** The receipt path notification-service serves: the @Path of its resource naming "delivery-receipt". */
    static String receiptPath() {
        try (var files = java.nio.file.Files.walk(Repo.root().resolve("notification-service/src/main/java"))) {
            List<String> paths = files.filter(f -> f.toString().endsWith(".java"))
                    .map(Repo::read)
                    .flatMap(src -> java.util.regex.Pattern.compile("@Path\\(\"([^\"]*delivery-receipt[^\"]*)\"\\)")
                            .matcher(src)
                            .results()
                            .map(m -> m.group(1)))
                    .toList();
            assertThat(paths)
                    .as("notification-service serves one delivery-receipt path")
                    .hasSize(1);
            return paths.get(0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noIngressTheGatewayApiIsThePublicEntry(String overlay) {
        // ingress-nginx is retired: the public entry is platform/gateway.yaml (GatewayRouteTest).
        assertThat(Repo.rendered(overlay).all(Ingress.class)).isEmpty();
    }
}
