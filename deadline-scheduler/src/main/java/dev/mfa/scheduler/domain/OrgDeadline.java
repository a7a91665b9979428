package dev.mfa.scheduler.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;

/** The latest MFA policy seen for an org, reduced to what the scheduler needs. */
@Entity
@Table(name = "org_deadline")
public class OrgDeadline {

    /** Version of a row created before its first policy is applied: lower than any real version. */
    public static final long NO_VERSION = -1;

    @Id
    @Column(name = "org_id")
    public String orgId;

    @Column(name = "policy_version", nullable = false)
    public long policyVersion;

    @Column(nullable = false)
    public boolean enabled;

    @Column(name = "enforcement_deadline")
    public Instant enforcementDeadline;

    @Column(name = "policy_updated_at")
    public Instant policyUpdatedAt;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    /** The deadline that fires: none while MFA is off or no deadline is set. */
    public Optional<Instant> effectiveDeadline() {
        return enabled ? Optional.ofNullable(enforcementDeadline) : Optional.empty();
    }
}
