package dev.mfa.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline renderer's subset, on small fixtures, and the strict typed reader. */
class KustomizeTest {

    @TempDir
    Path dir;

    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {tier: front}
            spec:
              replicas: 3
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                    - name: web
                      image: mfa/web:1
                      env:
                        - {name: A, value: "1"}
                    - name: side
                      image: other/side
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cfg}
            data: {X: "1", Y: "2"}
            """;

    private Path write(String rel, String text) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private Path base() throws IOException {
        write("base/all.yaml", DEPLOYMENT);
        write(
                "base/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [all.yaml]\n");
        return dir.resolve("base");
    }

    private List<ObjectNode> overlay(String kustomization) throws IOException {
        base();
        write(
                "o/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\n"
                        + kustomization);
        return Kustomize.render(dir.resolve("o"));
    }

    private static JsonNode find(List<ObjectNode> rs, String kind) {
        return rs.stream()
                .filter(r -> r.path("kind").asText().equals(kind))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void namespaceAndImagesAreSet() throws IOException {
        List<ObjectNode> rs = overlay("""
                namespace: team
                images:
                  - {name: mfa/web, newName: reg.example/mfa/web, newTag: "2"}
                  - {name: other/side, digest: "sha256:abc"}
                """);
        assertThat(rs)
                .allSatisfy(r -> assertThat(r.path("metadata").path("namespace").asText())
                        .isEqualTo("team"));
        JsonNode containers = find(rs, "Deployment").at("/spec/template/spec/containers");
        assertThat(containers.get(0).path("image").asText()).isEqualTo("reg.example/mfa/web:2");
        assertThat(containers.get(1).path("image").asText()).isEqualTo("other/side@sha256:abc");
    }

    @Test
    void strategicMergeMergesMapsDeletesNullsAndMergesContainersAndEnvByName() throws IOException {
        write("o/p.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 1
                  template:
                    spec:
                      containers:
                        - name: web
                          env:
                            - {name: B, value: "2"}
                        - name: extra
                          image: x/extra
                """);
        write("o/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {X: null, Z: \"3\"}\n");
        List<ObjectNode> rs = overlay("patches:\n  - path: p.yaml\n  - path: cm.yaml\n");
        JsonNode d = find(rs, "Deployment");
        assertThat(d.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(d.at("/spec/selector/matchLabels/app").asText()).isEqualTo("web");
        JsonNode containers = d.at("/spec/template/spec/containers");
        assertThat(containers).hasSize(3);
        assertThat(containers.get(0).path("image").asText()).isEqualTo("mfa/web:1");
        assertThat(containers.get(0).path("env")).hasSize(2);
        assertThat(find(rs, "ConfigMap").path("data").toString()).isEqualTo("{\"Y\":\"2\",\"Z\":\"3\"}");
    }

    @Test
    void json6902AddReplaceRemoveTestOnEveryTarget() throws IOException {
        write("o/p.yaml", """
                - {op: test, path: /spec/replicas, value: 3}
                - {op: replace, path: /spec/replicas, value: 5}
                - {op: add, path: /spec/template/spec/containers/0/env/-, value: {name: C, value: "9"}}
                - {op: remove, path: /spec/template/spec/containers/1}
                - {op: add, path: /metadata/annotations, value: {a~b/c: "x"}}
                - {op: replace, path: /metadata/annotations/a~0b~1c, value: "y"}
                """);
        List<ObjectNode> rs =
                overlay("patches:\n  - path: p.yaml\n    target: {kind: Deploy.*, labelSelector: tier=front}\n");
        JsonNode d = find(rs, "Deployment");
        assertThat(d.at("/spec/replicas").asInt()).isEqualTo(5);
        assertThat(d.at("/spec/template/spec/containers")).hasSize(1);
        assertThat(d.at("/spec/template/spec/containers/0/env/1/name").asText()).isEqualTo("C");
        assertThat(d.at("/metadata/annotations").toString()).isEqualTo("{\"a~b/c\":\"y\"}");
    }

    @Test
    void whatIsOutsideTheSubsetFailsTheRender() throws IOException {
        assertThatThrownBy(() -> overlay("commonLabels: {a: b}\n"))
                .hasMessageContaining("outside the supported subset");
        write("o/p.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: nope}\nspec: {replicas: 1}\n");
        assertThatThrownBy(() -> overlay("patches:\n  - path: p.yaml\n")).hasMessageContaining("matches no resource");
        write("o/p.yaml", "- {op: test, path: /spec/replicas, value: 4}\n");
        assertThatThrownBy(() -> overlay("patches:\n  - path: p.yaml\n    target: {kind: Deployment}\n"))
                .hasMessageContaining("test failed");
        write("o/p.yaml", "- {op: move, from: /a, path: /b}\n");
        assertThatThrownBy(() -> overlay("patches:\n  - path: p.yaml\n    target: {kind: Deployment}\n"))
                .hasMessageContaining("outside");
        write(
                "o/p.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {spec: {tolerations: [{key: k}]}}}\n");
        // the base has no tolerations list: a plain set is fine; a list merge without a known key is refused
        assertThat(overlay("patches:\n  - path: p.yaml\n")).isNotEmpty();
        write(
                "o/p.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {spec: {containers: [{name: web, ports: [{containerPort: 1}]}]}}}\n");
        write(
                "base/all.yaml",
                DEPLOYMENT.replace("image: mfa/web:1", "image: mfa/web:1\n          ports: [{containerPort: 2}]"));
        write(
                "o/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\npatches:\n  - path: p.yaml\n");
        assertThatThrownBy(() -> Kustomize.render(dir.resolve("o"))).hasMessageContaining("no merge key known");
        write(
                "o/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base, ../base/all.yaml]\n");
        assertThatThrownBy(() -> Kustomize.render(dir.resolve("o"))).hasMessageContaining("defined twice");
        write(
                "o/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [https://example.com/x]\n");
        assertThatThrownBy(() -> Kustomize.render(dir.resolve("o"))).hasMessageContaining("remote");
    }

    @Test
    void theTypedReaderRejectsUnknownFieldsAndWrongTypes() {
        JsonNode typo = Yaml.readAll("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec: {replica: 2, selector: {matchLabels: {a: b}}, template: {spec: {containers: [{name: c}]}}}
                """).get(0);
        assertThatThrownBy(() -> Models.typed(typo)).hasMessageContaining("replica");
        JsonNode acl = Yaml.readAll("""
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata: {name: u}
                spec:
                  authentication: {type: scram-sha-512}
                  authorization: {type: simple, acls: [{resource: {type: topic, name: t}, operations: [Fly]}]}
                """).get(0);
        assertThatThrownBy(() -> Models.typed(acl)).isInstanceOf(IllegalArgumentException.class);
        JsonNode cnpg = Yaml.readAll("""
                apiVersion: postgresql.cnpg.io/v1
                kind: Database
                metadata: {name: d}
                spec: {name: x, owner: y, cluster: {name: c}, ensure: maybe}
                """).get(0);
        assertThatThrownBy(() -> Models.typed(cnpg)).hasMessageContaining("ensure");
        JsonNode cnpgTypo = Yaml.readAll("""
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: c}
                spec: {instances: 1, storage: {size: 1Gi}, instance: 3}
                """).get(0);
        assertThatThrownBy(() -> Models.typed(cnpgTypo)).hasMessageContaining("instance");
        JsonNode unknownKind =
                Yaml.readAll("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n").get(0);
        assertThatThrownBy(() -> Models.typed(unknownKind)).hasMessageContaining("no typed model");
    }
}
