package dev.mfa.verification.security;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Decorates smallrye-jwt's parser, which Quarkus calls once per request with the caller's access token
 * ({@code MpJwtValidator} → {@link JWTParser#parse(String)}): a token verified moments ago is served from
 * {@link VerifiedTokens}, with its custom claims read once ({@link RememberedClaims}). Abstract: CDI passes every
 * other method straight to the parser.
 */
@Decorator
@Priority(10)
public abstract class CachingJwtParser implements JWTParser {

    private final JWTParser delegate;
    private final VerifiedTokens verified;

    @Inject
    public CachingJwtParser(@Delegate @Any JWTParser delegate, VerifiedTokens verified) {
        this.delegate = delegate;
        this.verified = verified;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        JsonWebToken cached = verified.get(token);
        if (cached != null) {
            return cached;
        }
        JsonWebToken jwt = new RememberedClaims(delegate.parse(token)); // throws for a bad token: nothing is cached
        verified.put(token, jwt);
        return jwt;
    }
}
