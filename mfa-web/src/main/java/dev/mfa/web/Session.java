package dev.mfa.web;

import java.time.Instant;
import java.util.List;

/**
 * One browser's server-side session (BFF): the tokens live here and never reach the page. Mutable fields are
 * volatile: the proxy's interceptor updates them on event-loop threads.
 */
public final class Session {

    /** Sign-in progress: the second step is pending until verification-service says it is done or not needed. */
    public enum Stage {
        MFA_PENDING,
        SIGNED_IN
    }

    private final String id;
    private final String userId;
    private final String orgId;
    private final List<String> groups;
    private final String pay;
    private final String accessToken;
    private final Instant createdAt;
    /** When the access token expires (null: unknown), so that the session never outlives it. */
    private final Instant tokenExpiresAt;

    private volatile Instant lastSeen;
    private volatile Stage stage = Stage.MFA_PENDING;
    private volatile String assertion;
    private volatile Instant assertionExpiresAt;
    private volatile String reauthToken;
    private volatile Instant reauthExpiresAt;

    Session(
            String id,
            String userId,
            String orgId,
            List<String> groups,
            String pay,
            String accessToken,
            Instant tokenExpiresAt,
            Instant now) {
        this.id = id;
        this.userId = userId;
        this.orgId = orgId;
        this.groups = List.copyOf(groups);
        this.pay = pay;
        this.accessToken = accessToken;
        this.createdAt = now;
        this.tokenExpiresAt = tokenExpiresAt;
        this.lastSeen = now;
    }

    String id() {
        return id;
    }

    public String userId() {
        return userId;
    }

    public String orgId() {
        return orgId;
    }

    public List<String> groups() {
        return groups;
    }

    public String pay() {
        return pay;
    }

    String accessToken() {
        return accessToken;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant tokenExpiresAt() {
        return tokenExpiresAt;
    }

    Instant lastSeen() {
        return lastSeen;
    }

    void touch(Instant now) {
        lastSeen = now;
    }

    public Stage stage() {
        return stage;
    }

    void signedIn() {
        stage = Stage.SIGNED_IN;
    }

    void assertion(String jwt, Instant expiresAt) {
        assertion = jwt;
        assertionExpiresAt = expiresAt;
    }

    /** The MFA assertion if it is still fresh. */
    String assertion(Instant now) {
        String a = assertion;
        Instant exp = assertionExpiresAt;
        return a != null && exp != null && now.isBefore(exp) ? a : null;
    }

    void reauth(String token, Instant expiresAt) {
        reauthToken = token;
        reauthExpiresAt = expiresAt;
    }

    String reauth(Instant now) {
        String r = reauthToken;
        Instant exp = reauthExpiresAt;
        return r != null && exp != null && now.isBefore(exp) ? r : null;
    }

    @Override
    public String toString() {
        return "Session[user=" + userId + ", org=" + orgId + ", stage=" + stage + ", tokens=<redacted>]";
    }
}
