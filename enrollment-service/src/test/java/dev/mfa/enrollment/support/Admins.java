package dev.mfa.enrollment.support;

import dev.mfa.localstack.testing.TestTokens;
import io.restassured.specification.RequestSpecification;

/** Org admins in tests: the token, and the admin's step-up (a factor of their own and a fresh assertion). */
public final class Admins {

    public static final String ASSERTION_HEADER = "X-MFA-Assertion";

    private Admins() {}

    public static String adminId(String orgId) {
        return "admin-" + orgId;
    }

    public static RequestSpecification as(String adminId, String orgId) {
        return Api.as(TestTokens.orgAdmin(adminId, orgId));
    }

    /** The admin of {@code orgId}, with a factor, sending a fresh assertion (for changes that need step-up). */
    public static RequestSpecification steppedUp(String adminId, String orgId) {
        if (Factors.active(adminId) == 0) {
            Factors.insert(adminId, orgId);
        }
        return as(adminId, orgId).header(ASSERTION_HEADER, Api.assertion(adminId, orgId));
    }
}
