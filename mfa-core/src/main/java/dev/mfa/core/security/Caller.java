package dev.mfa.core.security;

import dev.mfa.core.problem.ProblemException;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The authenticated caller of an {@code /api/**} call, from the identity provider's token (CONTRACT §2). */
public record Caller(String userId, String orgId, Set<String> groups, String pay) {

    public static final String GROUP_USER = "user";
    public static final String GROUP_ORG_ADMIN = "org-admin";
    public static final String PAY_PAYEE = "payee";

    public static Caller from(JsonWebToken jwt) {
        String sub = jwt.getSubject();
        Object org = jwt.getClaim("org");
        if (sub == null || sub.isBlank() || org == null || org.toString().isBlank()) {
            throw ProblemException.unauthorized("invalid-token", "The token lacks the sub or org claim.");
        }
        Object pay = jwt.getClaim("pay");
        return new Caller(
                sub,
                stripQuotes(org.toString()),
                jwt.getGroups() == null ? Set.of() : jwt.getGroups(),
                pay == null ? null : stripQuotes(pay.toString()));
    }

    private static String stripQuotes(String value) {
        // JSON string claims can surface as JsonString with quotes.
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }

    public boolean isOrgAdmin() {
        return groups.contains(GROUP_ORG_ADMIN);
    }

    public boolean isPayUser() {
        return pay != null;
    }

    public boolean isPayee() {
        return PAY_PAYEE.equals(pay);
    }

    /** An org admin acts only on their own org; any other org id is answered 404 (CONTRACT §2). */
    public void requireAdminOf(String orgId) {
        if (!this.orgId.equals(orgId)) {
            throw ProblemException.notFound("No such organization.");
        }
        if (!isOrgAdmin()) {
            throw ProblemException.forbidden("org-admin-required", "Only an org admin may do this.");
        }
    }
}
