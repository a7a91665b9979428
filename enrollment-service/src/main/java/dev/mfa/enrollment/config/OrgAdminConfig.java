package dev.mfa.enrollment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Availability, exemptions and the impact preview ({@code mfa.org-admin.*}). */
@ConfigMapping(prefix = "mfa.org-admin")
public interface OrgAdminConfig {

    /**
     * Whether MFA is available to an org the platform operators never decided on. Production: false (MFA is rolled
     * out to the orgs the vendor enabled); local runs and tests: true (the seed's {@code mfaAvailable} default).
     */
    @WithDefault("false")
    boolean defaultAvailable();

    /** The longest exemption an admin may grant. */
    @WithDefault("P90D")
    Duration maxExemption();

    /** Expired exemptions ended per sweep transaction (claimed with SKIP LOCKED). */
    @WithDefault("200")
    int sweepBatchSize();

    /** The exempt user is e-mailed this long before the exemption ends (once per exemption). */
    @WithDefault("P3D")
    Duration exemptionEndingNotice();

    /** How often the sweep ends expired exemptions (a scheduler period such as {@code 30s}). */
    @WithDefault("30s")
    String sweepEvery();

    /** User ids in the preview's {@code withoutFactorSample}. */
    @WithDefault("20")
    int previewSampleSize();
}
