package dev.mfa.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.systemtests.support.Phones;
import dev.mfa.systemtests.support.Platform;
import dev.mfa.systemtests.support.SystemTest;
import dev.mfa.systemtests.support.TestUser;
import dev.mfa.systemtests.support.Users;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's walkthrough as a newcomer runs it: {@code deploy/local/walkthrough.sh}, unchanged, against the platform
 * that {@code run.sh --detach} started from a clean state (PostgreSQL unpacked anew, see {@link Platform#ENV}). The
 * script plays the seed users by default; here it plays two fresh users of an org of its own, so that the other
 * stories keep the seed users to themselves.
 */
@SystemTest
@DisplayName("The README's walkthrough script")
class WalkthroughScriptIT {

    @Test
    @DisplayName("deploy/local/walkthrough.sh passes every step against the running platform")
    void walkthroughScriptPasses() {
        String org = Users.newOrg("walkthrough");
        TestUser a = Users.create(org, "walk-a");
        TestUser b = Users.create(org, "walk-b");
        Phones.Phone phone = Phones.next("US");

        Platform.ScriptRun run = Platform.get()
                .runScript(
                        "deploy/local/walkthrough.sh",
                        Map.of(
                                "MFA_WALKTHROUGH_ORG", org,
                                "MFA_WALKTHROUGH_ADMIN", "admin-" + org,
                                "MFA_WALKTHROUGH_USER_A", a.userId(),
                                "MFA_WALKTHROUGH_USER_A_PASSWORD", a.password(),
                                "MFA_WALKTHROUGH_USER_B", b.userId(),
                                "MFA_WALKTHROUGH_USER_B_PASSWORD", b.password(),
                                "MFA_WALKTHROUGH_PHONE", phone.e164().substring(2)),
                        Duration.ofMinutes(3));

        assertThat(run.exitCode())
                .as("walkthrough.sh exit code; its output:%n%s", run.output())
                .isZero();
        assertThat(run.output()).contains("all 14 steps passed").doesNotContain("FAIL");
    }
}
