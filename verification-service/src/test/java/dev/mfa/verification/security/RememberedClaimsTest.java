package dev.mfa.verification.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

class RememberedClaimsTest {

    private static MapToken principal() {
        return new MapToken(Map.of("sub", "u1", "org", "acme", "email", "a@example.org"));
    }

    @Test
    void readsACustomClaimOnceAndAnAbsentOneOnce() {
        MapToken principal = principal();
        JsonWebToken jwt = new RememberedClaims(principal);
        for (int i = 0; i < 3; i++) {
            assertThat((String) jwt.getClaim("org")).isEqualTo("acme");
            assertThat((Object) jwt.getClaim("pay")).isNull();
        }
        assertThat(principal.reads).containsEntry("org", 1).containsEntry("pay", 1);
    }

    @Test
    void standardClaimsGoToThePrincipalEveryTime() {
        MapToken principal = principal();
        JsonWebToken jwt = new RememberedClaims(principal);
        assertThat(jwt.getSubject()).isEqualTo("u1");
        assertThat(jwt.getSubject()).isEqualTo("u1");
        assertThat(principal.reads).containsEntry("sub", 2);
        assertThat(jwt.getClaimNames()).containsExactlyInAnyOrder("sub", "org", "email");
        assertThat(jwt.getName()).isEqualTo("u1");
    }

    @Test
    void showsNoClaimInItsText() {
        JsonWebToken jwt = new RememberedClaims(principal());
        assertThat(jwt.toString()).doesNotContain("acme", "a@example.org", "u1");
    }
}
