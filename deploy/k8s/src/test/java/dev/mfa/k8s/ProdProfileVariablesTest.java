package dev.mfa.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every variable a service's prod profile needs (derived from its application.properties) comes from the overlay. */
class ProdProfileVariablesTest {

    static Collection<String> services() {
        return Repo.SERVICES.values();
    }

    @ParameterizedTest
    @MethodSource("services")
    void theProdOverlayGivesEveryVariableTheProdProfileNeeds(String service) {
        Map<String, String> required = ProdProfile.requiredVariables(
                Repo.root().resolve(service).resolve("src/main/resources/application.properties"));
        // what every service needs at least (guards the derivation itself)
        assertThat(required)
                .containsKeys("MFA_DB_USERNAME", "MFA_DB_PASSWORD", "MFA_JWT_ISSUER", "MFA_JWT_PUBLIC_KEY_LOCATION");
        PodEnvironment env = PodEnvironment.of(Repo.k8s(), "prod", service);
        required.forEach((variable, property) -> assertThat(env.variables())
                .as(
                        "%s: %s (for %s in its prod profile) must be set by deploy/k8s/overlays/prod",
                        service, variable, property)
                .containsKey(variable));
        assertThat(env.variables().get("QUARKUS_PROFILE").literal()).isEqualTo("prod");
    }

    @Test
    void theProdOverlayGivesTheEdgeEveryVariableItsProdProfileNeeds() {
        Map<String, String> required = required(Repo.EDGE);
        // guards the derivation: the OIDC client and the two services the edge proxies to
        assertThat(required)
                .containsKeys(
                        "MFA_OIDC_AUTH_SERVER_URL",
                        "MFA_OIDC_CLIENT_ID",
                        "MFA_OIDC_CLIENT_SECRET",
                        "MFA_ENROLLMENT_URL",
                        "MFA_VERIFICATION_URL");
        PodEnvironment env = PodEnvironment.of(Repo.k8s(), "prod", Repo.EDGE);
        required.forEach((variable, property) -> assertThat(env.variables())
                .as(
                        "%s: %s (for %s in its prod profile) must be set by deploy/k8s/overlays/prod",
                        Repo.EDGE, variable, property)
                .containsKey(variable));
        assertThat(env.variables().get("QUARKUS_PROFILE").literal()).isEqualTo("prod");
        assertThat(env.variables().get("MFA_OIDC_CLIENT_SECRET").fromSecret()).isTrue();
        assertThat(env.variables().get("MFA_OIDC_CLIENT_ID").fromSecret()).isTrue();
    }

    @Test
    void theKnownDefectsAreCovered() {
        assertThat(required("notification-service")).containsKey("MFA_CRYPTO_CODE_HASH_KEY");
        assertThat(required("enrollment-service")).containsEntry("MFA_REAUTH_VERIFY_URL", "mfa.reauth.verify-url");
        assertThat(required("verification-service")).containsKey("MFA_ASSERTION_PRIVATE_KEY_LOCATION");
    }

    /**
     * Issue 15 finding 14: each Deployment gets only the key sets it reads; the internet-facing notification-service
     * never the TOTP, recovery-code or legacy shared key (failed before the fix: every service got
     * MFA_CRYPTO_FIELD_KEYS).
     */
    @Test
    void keySeparationEachDeploymentGetsOnlyTheKeySetsItReads() {
        Map<String, java.util.Set<String>> expected = Map.of(
                "enrollment-service",
                        java.util.Set.of(
                                "MFA_CRYPTO_TOTP_KEYS",
                                "MFA_CRYPTO_SMS_KEYS",
                                "MFA_CRYPTO_EMAIL_KEYS",
                                "MFA_CRYPTO_RECOVERY_CODE_KEY",
                                "MFA_CRYPTO_CODE_HASH_KEY",
                                "MFA_CRYPTO_LEGACY_FIELD_KEYS"),
                "verification-service",
                        java.util.Set.of(
                                "MFA_CRYPTO_TOTP_KEYS",
                                "MFA_CRYPTO_SMS_KEYS",
                                "MFA_CRYPTO_RECOVERY_CODE_KEY",
                                "MFA_CRYPTO_CODE_HASH_KEY",
                                "MFA_CRYPTO_LEGACY_FIELD_KEYS"),
                "notification-service",
                        java.util.Set.of("MFA_CRYPTO_SMS_KEYS", "MFA_CRYPTO_EMAIL_KEYS", "MFA_CRYPTO_CODE_HASH_KEY"),
                "deadline-scheduler", java.util.Set.of());
        expected.forEach((service, keys) -> {
            java.util.Set<String> crypto = new java.util.TreeSet<>();
            PodEnvironment.of(Repo.k8s(), "prod", service).variables().keySet().stream()
                    .filter(v -> v.startsWith("MFA_CRYPTO_"))
                    .forEach(crypto::add);
            assertThat(crypto).as(service).containsExactlyInAnyOrderElementsOf(keys);
            // and what the prod profile asks for is within it (the legacy key is optional: no %prod line)
            assertThat(required(service).keySet().stream().filter(v -> v.startsWith("MFA_CRYPTO_")))
                    .as(service)
                    .allMatch(keys::contains);
        });
        assertThat(required("notification-service"))
                .doesNotContainKeys("MFA_CRYPTO_TOTP_KEYS", "MFA_CRYPTO_RECOVERY_CODE_KEY", "MFA_CRYPTO_FIELD_KEYS");
    }

    private static Map<String, String> required(String service) {
        return ProdProfile.requiredVariables(
                Repo.root().resolve(service).resolve("src/main/resources/application.properties"));
    }

    @Test
    void derivesOnlyWhatTheProdProfileUsesWithoutADefault(@TempDir Path dir) throws IOException {
        Path props = dir.resolve("application.properties");
        Files.writeString(
                props,
                String.join(
                        "\n",
                        "a=${A_PLAIN}",
                        "b=${B_DEV}",
                        "%prod.b=${B_PROD}",
                        "%dev,test.c=${C_TEST}",
                        "%test,prod.d=x-${D_BOTH}-${D_DEFAULT:1}",
                        "e=${E_DEFAULT:${E_INNER}}",
                        "f=${quarkus.http.port}",
                        ""),
                StandardCharsets.UTF_8);
        assertThat(ProdProfile.requiredVariables(props)).containsOnlyKeys("A_PLAIN", "B_PROD", "D_BOTH");
    }
}
