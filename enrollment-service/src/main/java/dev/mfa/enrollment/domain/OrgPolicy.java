package dev.mfa.enrollment.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** An org's MFA policy. {@code enforced} is set when the deadline is reached (or set to now). */
@Entity
@Table(name = "org_policy")
public class OrgPolicy {

    public static final List<Method> ALL_METHODS = List.of(Method.TOTP, Method.SMS);

    @Id
    @Column(name = "org_id")
    public String orgId;

    @Column(nullable = false)
    public boolean enabled;

    @Column(name = "enforcement_deadline")
    public Instant enforcementDeadline;

    @Column(nullable = false)
    public boolean enforced;

    @Column(name = "allowed_methods", nullable = false)
    public String allowedMethods;

    @Column(nullable = false)
    public long version;

    @Column(name = "synced_version", nullable = false)
    public long syncedVersion;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The policy of an org nobody configured: MFA off, every method allowed. */
    public static OrgPolicy defaults(String orgId, Instant now) {
        OrgPolicy p = new OrgPolicy();
        p.orgId = orgId;
        p.enabled = false;
        p.enforced = false;
        p.allowedMethods = join(ALL_METHODS);
        p.version = 0;
        p.syncedVersion = 0;
        p.updatedAt = now;
        return p;
    }

    public PolicyState state() {
        if (!enabled) {
            return PolicyState.DISABLED;
        }
        return enforced ? PolicyState.ENFORCED : PolicyState.EARLY_ENROLLMENT;
    }

    public List<Method> methods() {
        return Arrays.stream(allowedMethods.split(","))
                .filter(s -> !s.isBlank())
                .map(Method::valueOf)
                .toList();
    }

    public boolean allows(Method method) {
        return methods().contains(method);
    }

    public static String join(List<Method> methods) {
        return methods.stream().distinct().sorted().map(Method::name).collect(Collectors.joining(","));
    }

    /** The requirement of a user of this org (CONTRACT §3); a null policy means MFA off. */
    public static Requirement requirementFor(OrgPolicy policy, boolean payUser) {
        return requirementFor(policy, payUser, false);
    }

    /** As above; an exempt user (never a Pay user) stays OPTIONAL past the deadline while the exemption lasts. */
    public static Requirement requirementFor(OrgPolicy policy, boolean payUser, boolean exempt) {
        if (payUser) {
            return Requirement.REQUIRED;
        }
        if (policy == null || !policy.enabled) {
            return Requirement.NOT_REQUIRED;
        }
        return policy.enforced && !exempt ? Requirement.REQUIRED : Requirement.OPTIONAL;
    }
}
