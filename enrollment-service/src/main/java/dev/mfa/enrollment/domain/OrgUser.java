package dev.mfa.enrollment.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A member of an org's roster, as the identity provider announced it on {@code identity.users}. */
@Entity
@Table(name = "org_user")
public class OrgUser {

    @Id
    @Column(name = "user_id")
    public String userId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(nullable = false)
    public String email;

    /** {@code payee}, {@code user} or null: any Pay user always needs MFA. */
    public String pay;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Requirement requirement;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public boolean isPayUser() {
        return pay != null;
    }
}
