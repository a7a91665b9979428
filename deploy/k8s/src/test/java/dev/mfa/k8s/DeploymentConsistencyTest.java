package dev.mfa.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Deployments, Services, probes, resources, security, scaling, configuration and secrets of every overlay. */
class DeploymentConsistencyTest {

    static List<String> overlays() {
        return Repo.overlays();
    }

    static Container container(Deployment d) {
        List<Container> cs = d.getSpec().getTemplate().getSpec().getContainers();
        assertThat(cs).as("%s has one container", d.getMetadata().getName()).hasSize(1);
        return cs.get(0);
    }

    static int resolve(IntOrString port, Container c) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .findFirst()
                .map(ContainerPort::getContainerPort)
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceHasADeploymentAndServiceOnItsConfiguredPort(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay);
        assertThat(r.all(Deployment.class))
                .extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(Repo.deployments())
                .hasSize(5);
        for (String svc : Repo.deployments()) {
            int port = Repo.httpPort(svc);
            Deployment d = r.one(Deployment.class, svc);
            Container c = container(d);
            assertThat(c.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(port);

            Service s = r.one(Service.class, svc);
            assertThat(s.getSpec().getSelector())
                    .isEqualTo(d.getSpec().getSelector().getMatchLabels());
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(s.getSpec().getSelector());
            ServicePort sp = s.getSpec().getPorts().get(0);
            assertThat(s.getSpec().getPorts()).hasSize(1);
            assertThat(sp.getPort()).isEqualTo(port);
            assertThat(resolve(sp.getTargetPort(), c))
                    .as("%s Service targetPort", svc)
                    .isEqualTo(port);

            Map<String, Probe> probes = Map.of(
                    "/q/health/started",
                    c.getStartupProbe(),
                    "/q/health/ready",
                    c.getReadinessProbe(),
                    "/q/health/live",
                    c.getLivenessProbe());
            probes.forEach((path, probe) -> {
                assertThat(probe).as("%s probe %s", svc, path).isNotNull();
                HTTPGetAction get = probe.getHttpGet();
                assertThat(get.getPath()).isEqualTo(path);
                assertThat(resolve(get.getPort(), c))
                        .as("%s probe %s port", svc, path)
                        .isEqualTo(port);
            });

            Map<String, String> ann = d.getSpec().getTemplate().getMetadata().getAnnotations();
            if (svc.equals(Repo.EDGE)) {
                // the edge serves no /q/metrics (no Micrometer in mfa-web): nothing to scrape
                assertThat(Repo.read(Repo.root().resolve("mfa-web/pom.xml"))).doesNotContain("micrometer");
                assertThat(ann == null ? Map.<String, String>of() : ann).doesNotContainKey("prometheus.io/scrape");
                continue;
            }
            assertThat(ann)
                    .containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", String.valueOf(port))
                    .containsEntry("prometheus.io/path", "/q/metrics");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyDeploymentHasRequestsLimitsAndALockedDownSecurityContext(String overlay) {
        for (Deployment d : Repo.rendered(overlay).all(Deployment.class)) {
            String name = d.getMetadata().getName();
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Container c = container(d);
            Map<String, Quantity> req = c.getResources().getRequests();
            Map<String, Quantity> lim = c.getResources().getLimits();
            for (String res : List.of("cpu", "memory")) {
                assertThat(req).as("%s requests %s", name, res).containsKey(res);
                assertThat(lim).as("%s limits %s", name, res).containsKey(res);
                assertThat(Quantity.getAmountInBytes(req.get(res)))
                        .as("%s %s request <= limit", name, res)
                        .isLessThanOrEqualTo(Quantity.getAmountInBytes(lim.get(res)));
            }
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).as(name).isPositive();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken()).as(name).isFalse();
            var sc = c.getSecurityContext();
            assertThat(sc.getReadOnlyRootFilesystem()).as(name).isTrue();
            assertThat(sc.getAllowPrivilegeEscalation()).as(name).isFalse();
            assertThat(sc.getRunAsNonRoot()).as(name).isTrue();
            assertThat(sc.getCapabilities().getDrop()).as(name).containsExactly("ALL");
            assertThat(sc.getCapabilities().getAdd()).as(name).isNullOrEmpty();
            VolumeMount tmp = c.getVolumeMounts().stream()
                    .filter(m -> m.getMountPath().equals("/tmp"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + " mounts no /tmp"));
            Volume v = pod.getVolumes().stream()
                    .filter(x -> x.getName().equals(tmp.getName()))
                    .findFirst()
                    .orElseThrow();
            assertThat(v.getEmptyDir()).as("%s /tmp is an emptyDir", name).isNotNull();
            // every mount has its volume; secret volumes are read-only
            for (VolumeMount m : c.getVolumeMounts()) {
                Volume vol = pod.getVolumes().stream()
                        .filter(x -> x.getName().equals(m.getName()))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(name + " mounts unknown volume " + m.getName()));
                if (vol.getSecret() != null) {
                    assertThat(m.getReadOnly())
                            .as("%s secret mount %s read-only", name, m.getName())
                            .isTrue();
                }
            }
        }
    }

    @Test
    void prodRunsTwoOrMoreReplicasWithAutoscalingAndDisruptionBudgets() {
        Repo.Rendered prod = Repo.rendered("prod");
        for (String svc : List.of("enrollment-service", "verification-service", "notification-service", Repo.EDGE)) {
            assertThat(prod.one(Deployment.class, svc).getSpec().getReplicas())
                    .as(svc)
                    .isGreaterThanOrEqualTo(2);
        }
        assertThat(prod.one(Deployment.class, "deadline-scheduler").getSpec().getReplicas())
                .isGreaterThanOrEqualTo(1);
        assertThat(prod.all(HorizontalPodAutoscaler.class))
                .extracting(h -> h.getSpec().getScaleTargetRef().getName())
                .containsExactlyInAnyOrder("enrollment-service", "verification-service");
        for (HorizontalPodAutoscaler h : prod.all(HorizontalPodAutoscaler.class)) {
            assertThat(h.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
            assertThat(h.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
            assertThat(h.getSpec().getMaxReplicas())
                    .isGreaterThanOrEqualTo(h.getSpec().getMinReplicas());
            assertThat(h.getSpec().getMetrics()).isNotEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void notificationSharesTheVonageThroughputAmongItsReplicas(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay);
        Deployment d = r.one(Deployment.class, "notification-service");
        assertThat(environment(r, d).get("MFA_VONAGE_REPLICAS"))
                .isEqualTo(String.valueOf(d.getSpec().getReplicas()));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyDeploymentHasAPodDisruptionBudgetSelectingItsPods(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay);
        for (Deployment d : r.all(Deployment.class)) {
            PodDisruptionBudget pdb =
                    r.one(PodDisruptionBudget.class, d.getMetadata().getName());
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
            assertThat(pdb.getSpec().getMaxUnavailable() != null
                            || pdb.getSpec().getMinAvailable() != null)
                    .isTrue();
        }
    }

    /** Environment of a Deployment's container: literal env, secretKeyRefs, and envFrom ConfigMaps. */
    static Map<String, String> environment(Repo.Rendered r, Deployment d) {
        Map<String, String> env = new LinkedHashMap<>();
        Container c = container(d);
        for (EnvFromSource from : c.getEnvFrom()) {
            assertThat(from.getSecretRef()).as("no envFrom of a whole Secret").isNull();
            ConfigMap cm = r.one(ConfigMap.class, from.getConfigMapRef().getName());
            env.putAll(cm.getData());
        }
        for (EnvVar e : c.getEnv()) {
            if (e.getValueFrom() != null) {
                var ref = e.getValueFrom().getSecretKeyRef();
                assertThat(ref).as("%s comes from a secretKeyRef", e.getName()).isNotNull();
                env.put(e.getName(), "secret:" + ref.getName() + "/" + ref.getKey());
            } else {
                env.put(e.getName(), e.getValue());
            }
        }
        return env;
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceGetsEveryVariableOfTheDesignTableAndTheProdProfile(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay);
        Map<String, Set<String>> design = Repo.designEnv();
        assertThat(design).containsKeys("KAFKA_BOOTSTRAP_SERVERS", "MFA_CRYPTO_TOTP_KEYS", "MFA_VONAGE_API_KEY");
        Set<String> secretOnly = Set.of(
                "MFA_DB_USERNAME",
                "MFA_DB_PASSWORD",
                "MFA_CRYPTO_TOTP_KEYS",
                "MFA_CRYPTO_SMS_KEYS",
                "MFA_CRYPTO_EMAIL_KEYS",
                "MFA_CRYPTO_LEGACY_FIELD_KEYS",
                "MFA_CRYPTO_RECOVERY_CODE_KEY",
                "MFA_CRYPTO_CODE_HASH_KEY",
                "MFA_VONAGE_API_KEY",
                "MFA_VONAGE_API_SECRET",
                "MFA_VONAGE_SIGNATURE_SECRET");
        for (Deployment d : r.all(Deployment.class)) {
            String svc = d.getMetadata().getName();
            Map<String, String> env = environment(r, d);
            assertThat(env).as(svc).containsEntry("QUARKUS_PROFILE", "prod");
            design.forEach((variable, who) -> {
                if (who.contains(svc)) {
                    assertThat(env)
                            .as("%s needs %s (docs/design.md)", svc, variable)
                            .containsKey(variable);
                    if (secretOnly.contains(variable)) {
                        assertThat(env.get(variable))
                                .as("%s %s comes from a Secret", svc, variable)
                                .startsWith("secret:");
                    }
                } else if (secretOnly.contains(variable)) {
                    assertThat(env)
                            .as("%s gets no %s it does not need", svc, variable)
                            .doesNotContainKey(variable);
                }
            });
            // key locations point into a mounted Secret volume
            Container c = container(d);
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            env.forEach((k, v) -> {
                if (k.endsWith("_KEY_LOCATION") || k.endsWith("TRUSTSTORE_LOCATION") || k.endsWith("PEM_CERTS")) {
                    VolumeMount m = c.getVolumeMounts().stream()
                            .filter(x -> v.startsWith(x.getMountPath() + "/"))
                            .findFirst()
                            .orElseThrow(
                                    () -> new AssertionError(svc + ": " + k + "=" + v + " is in no mounted volume"));
                    Volume vol = pod.getVolumes().stream()
                            .filter(x -> x.getName().equals(m.getName()))
                            .findFirst()
                            .orElseThrow();
                    assertThat(vol.getSecret())
                            .as("%s %s is a mounted Secret", svc, k)
                            .isNotNull();
                    String file = v.substring(m.getMountPath().length() + 1);
                    assertThat(vol.getSecret().getItems())
                            .as("%s %s", svc, k)
                            .anyMatch(i -> i.getPath().equals(file));
                }
            });
            if (svc.equals(Repo.EDGE)) {
                edgeEnvironment(env);
                continue;
            }
            // the database in the URLs is the service's own (the one of its application.properties)
            Properties props = Repo.properties(svc);
            String db = props.getProperty("quarkus.datasource.jdbc.url")
                    .replaceAll(".*/", "")
                    .replaceAll("\\?.*", "");
            assertThat(env.get("QUARKUS_DATASOURCE_JDBC_URL")).contains("/" + db + "?");
            assertThat(env.get("QUARKUS_DATASOURCE_REACTIVE_URL")).contains("/" + db + "?");
        }
    }

    /** The edge: its proxy targets are the Services on their ports, the OIDC client comes from a Secret. */
    private static void edgeEnvironment(Map<String, String> env) {
        assertThat(env)
                .containsEntry(
                        "MFA_ENROLLMENT_URL", "http://enrollment-service:" + Repo.httpPort("enrollment-service"));
        assertThat(env)
                .containsEntry(
                        "MFA_VERIFICATION_URL", "http://verification-service:" + Repo.httpPort("verification-service"));
        assertThat(env)
                .containsEntry("MFA_OIDC_CLIENT_ID", "secret:mfa-web-oidc/client-id")
                .containsEntry("MFA_OIDC_CLIENT_SECRET", "secret:mfa-web-oidc/client-secret");
        assertThat(env.get("MFA_OIDC_AUTH_SERVER_URL")).startsWith("https://");
        // TLS ends at the Gateway: the redirect_uri sent to the provider must still say https
        assertThat(env).containsEntry("QUARKUS_OIDC_AUTHENTICATION_FORCE_REDIRECT_HTTPS_SCHEME", "true");
        // no database, Kafka or service keys: the edge holds none
        assertThat(env.keySet())
                .noneMatch(k -> k.startsWith("KAFKA_")
                        || k.startsWith("QUARKUS_DATASOURCE")
                        || k.startsWith("MFA_DB_")
                        || k.startsWith("MFA_CRYPTO")
                        || k.startsWith("MFA_VONAGE"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noSecretCarriesDataAndEveryReferencedSecretIsDocumented(String overlay) {
        Repo.Rendered r = Repo.rendered(overlay);
        for (Secret s : r.all(Secret.class)) {
            assertThat(s.getData()).as(s.getMetadata().getName()).isNullOrEmpty();
            assertThat(s.getStringData()).as(s.getMetadata().getName()).isNullOrEmpty();
        }
        if (overlay.equals("prod")) {
            assertThat(r.all(Secret.class)).as("prod renders no Secret object").isEmpty();
        }
        Map<String, Set<String>> documented = Repo.documentedSecrets();
        Map<String, Set<String>> used = new HashMap<>();
        for (Deployment d : r.all(Deployment.class)) {
            Container c = container(d);
            for (EnvVar e : c.getEnv()) {
                if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                    used.computeIfAbsent(e.getValueFrom().getSecretKeyRef().getName(), k -> new java.util.HashSet<>())
                            .add(e.getValueFrom().getSecretKeyRef().getKey());
                }
            }
            for (Volume v : d.getSpec().getTemplate().getSpec().getVolumes()) {
                if (v.getSecret() != null) {
                    assertThat(v.getSecret().getItems())
                            .as("secret volume %s projects named keys only", v.getName())
                            .isNotEmpty();
                    v.getSecret()
                            .getItems()
                            .forEach(i -> used.computeIfAbsent(
                                            v.getSecret().getSecretName(), k -> new java.util.HashSet<>())
                                    .add(i.getKey()));
                }
            }
        }
        r.all(Models.CnpgCluster.class)
                .forEach(cl -> cl.spec()
                        .managed()
                        .roles()
                        .forEach(role -> used.computeIfAbsent(
                                        role.passwordSecret().name(), k -> new java.util.HashSet<>())
                                .addAll(Set.of("username", "password"))));
        used.forEach((secret, keys) -> {
            assertThat(documented)
                    .as("Secret %s is documented in deploy/README.md", secret)
                    .containsKey(secret);
            assertThat(documented.get(secret))
                    .as("keys of Secret %s documented", secret)
                    .containsAll(keys);
        });
    }

    @Test
    void prodReferencesNoDevKey() throws Exception {
        Repo.Rendered prod = Repo.rendered("prod");
        String text = prod.text();
        for (String marker :
                List.of("dev-jwt", "dev-assertion", "deploy/local", "mfa.local/dev", "local-dev", "BEGIN ")) {
            assertThat(text).as("prod mentions %s", marker).doesNotContain(marker);
        }
        // the committed dev keys themselves (any line of their base64 body, or the body's SHA-256 fingerprint)
        try (Stream<Path> pems = Files.list(Repo.root().resolve("deploy/local"))) {
            for (Path pem : pems.filter(p -> p.toString().endsWith(".pem")).toList()) {
                String body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "");
                for (String line : body.split("\\s+")) {
                    if (line.length() >= 16) {
                        assertThat(text)
                                .as("prod contains a line of %s", pem.getFileName())
                                .doesNotContain(line);
                    }
                }
                String fp = HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(body.replaceAll("\\s", "").getBytes(StandardCharsets.US_ASCII)));
                assertThat(text).doesNotContain(fp);
            }
        }
        // the dev/test/local crypto keys of every service's application.properties
        for (String svc : Repo.SERVICES.values()) {
            Repo.properties(svc).forEach((k, v) -> {
                if (k.toString().startsWith("%") && k.toString().contains("crypto")) {
                    for (String part : v.toString().split("[,:]")) {
                        if (part.length() >= 16) {
                            assertThat(text)
                                    .as("prod contains the dev value of %s", k)
                                    .doesNotContain(part);
                        }
                    }
                }
            });
        }
    }
}
