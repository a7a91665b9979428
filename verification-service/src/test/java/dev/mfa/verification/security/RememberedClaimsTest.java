package dev.mfa.verification.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

class RememberedClaimsTest {

    /** A principal that counts how often each claim is read. */
    static final class CountingPrincipal implements JsonWebToken {
        final Map<String, Object> claims = new HashMap<>(Map.of("sub", "u1", "org", "acme", "email", "a@example.org"));
        final Map<String, Integer> reads = new HashMap<>();

        @Override
        public String getName() {
            return "u1";
        }

        @Override
        public Set<String> getClaimNames() {
            return claims.keySet();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String name) {
            reads.merge(name, 1, Integer::sum);
            return (T) claims.get(name);
        }
    }

    @Test
    void readsACustomClaimOnceAndAnAbsentOneOnce() {
        CountingPrincipal principal = new CountingPrincipal();
        JsonWebToken jwt = new RememberedClaims(principal);
        for (int i = 0; i < 3; i++) {
            assertThat((String) jwt.getClaim("org")).isEqualTo("acme");
            assertThat((Object) jwt.getClaim("pay")).isNull();
        }
        assertThat(principal.reads).containsEntry("org", 1).containsEntry("pay", 1);
    }

    @Test
    void standardClaimsGoToThePrincipalEveryTime() {
        CountingPrincipal principal = new CountingPrincipal();
        JsonWebToken jwt = new RememberedClaims(principal);
        assertThat(jwt.getSubject()).isEqualTo("u1");
        assertThat(jwt.getSubject()).isEqualTo("u1");
        assertThat(principal.reads).containsEntry("sub", 2);
        assertThat(jwt.getClaimNames()).containsExactlyInAnyOrder("sub", "org", "email");
        assertThat(jwt.getName()).isEqualTo("u1");
    }

    @Test
    void showsNoClaimInItsText() {
        JsonWebToken jwt = new RememberedClaims(new CountingPrincipal());
        assertThat(jwt.toString()).doesNotContain("acme", "a@example.org", "u1");
    }
}
