package dev.mfa.verification.security;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** A verified token as the parser returns it, over a map of claims, counting how often each claim is read. */
final class MapToken implements JsonWebToken {

    private final Map<String, Object> claims;
    final Map<String, Integer> reads = new HashMap<>();

    MapToken(Map<String, Object> claims) {
        this.claims = claims;
    }

    @Override
    public String getName() {
        return (String) claims.get("sub");
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
