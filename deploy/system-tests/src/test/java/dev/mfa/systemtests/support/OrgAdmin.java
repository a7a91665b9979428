package dev.mfa.systemtests.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An org's admin as a person with a second factor of their own. A policy change that lowers protection and every
 * MFA reset need the admin's {@code X-MFA-Assertion} (CONTRACT §3), and an assertion authorises at most one change
 * (§4): the admin enrolls an authenticator app once, then passes a new second step (a challenge verified with a code
 * of a later step) for every protected change.
 */
public final class OrgAdmin {

    private static final Map<String, OrgAdmin> BY_ORG = new ConcurrentHashMap<>();

    private final TestUser user;
    private final TotpDevice device;

    private OrgAdmin(TestUser user, TotpDevice device) {
        this.user = user;
        this.device = device;
    }

    /** The admin of {@code orgId}, enrolled (reauth, authenticator app, confirm) the first time it is asked for. */
    public static OrgAdmin of(String orgId) {
        return BY_ORG.computeIfAbsent(orgId, OrgAdmin::enroll);
    }

    /** A fresh assertion of {@code orgId}'s admin, for one protected change. */
    public static String assertion(String orgId) {
        return of(orgId).assertion();
    }

    private static OrgAdmin enroll(String orgId) {
        TestUser admin = Users.admin(orgId);
        return new OrgAdmin(admin, admin.enrollTotp(null));
    }

    /** The admin's access token: the same subject, org and groups as {@link TestUser#adminToken}. */
    public String token() {
        return user.token();
    }

    public TestUser user() {
        return user;
    }

    /** A new second step (challenge, verify): an assertion not used for anything yet. May wait for a TOTP step. */
    public synchronized String assertion() {
        return user.signInTotp(device);
    }

    /** Whether {@link #assertion()} would answer without waiting for the next TOTP step. */
    public boolean hasFreshCode() {
        return device.hasFreshCode();
    }
}
