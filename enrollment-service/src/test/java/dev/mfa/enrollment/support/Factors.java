package dev.mfa.enrollment.support;

import java.util.UUID;

/** Factors written straight into the database, for tests that need a user who already has one. */
public final class Factors {

    private Factors() {}

    /** An active SMS factor (no ciphertext: nothing in these tests reads it). */
    public static UUID insert(String userId, String orgId) {
        UUID id = UUID.randomUUID();
        Db.update(
                "insert into factor (factor_id, user_id, org_id, method, label, status, created_at) "
                        + "values (?, ?, ?, 'SMS', 'Phone ending in 23', 'ACTIVE', now())",
                id,
                userId,
                orgId);
        return id;
    }

    public static long active(String userId) {
        return Db.count("select count(*) from factor where user_id = ? and status = 'ACTIVE'", userId);
    }
}
