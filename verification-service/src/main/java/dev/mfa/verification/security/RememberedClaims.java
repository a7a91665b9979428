package dev.mfa.verification.security;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A verified token that reads each of its non-standard claims ({@code org}, {@code pay}) from smallrye-jwt once. Its
 * principal looks every claim name up with {@code Claims.valueOf}, which throws for a name the enum lacks: two
 * exceptions, each filling a stack trace as deep as the reactive chain, in every request's {@code Caller.from} (1.7 %
 * of the verification service's CPU in issue 16's profile). A cached token ({@link VerifiedTokens}) is read again by
 * the caller's next call, which then finds its claims here. Standard claims go to the principal every time.
 */
final class RememberedClaims implements JsonWebToken {

    private static final Set<String> STANDARD =
            Arrays.stream(Claims.values()).map(Claims::name).collect(Collectors.toUnmodifiableSet());

    private final JsonWebToken principal;
    private final ConcurrentHashMap<String, Optional<Object>> custom = new ConcurrentHashMap<>();

    RememberedClaims(JsonWebToken principal) {
        this.principal = principal;
    }

    @Override
    public String getName() {
        return principal.getName();
    }

    @Override
    public Set<String> getClaimNames() {
        return principal.getClaimNames();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getClaim(String name) {
        if (STANDARD.contains(name)) {
            return principal.getClaim(name);
        }
        return (T) custom.computeIfAbsent(name, n -> Optional.ofNullable(principal.getClaim(n)))
                .orElse(null);
    }

    /** Claims are personal data: none in logs. */
    @Override
    public String toString() {
        return "JsonWebToken[***]";
    }
}
