package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.TestPasswords;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Captures every log record of the application (root handler, DEBUG for dev.mfa in the test profile) while a user
 * re-authenticates, enrolls an authenticator app and a phone, fails codes and regenerates the recovery code; then
 * checks that no password, TOTP secret, phone number, SMS code or recovery code appears in any of them, nor in the
 * problem responses.
 */
@QuarkusTest
class NoSecretsInLogsIT {

    private static final String ORG = "logs-org";
    private final List<String> lines = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            StringBuilder sb = new StringBuilder();
            sb.append(record.getLoggerName()).append(' ').append(record.getMessage());
            if (record.getParameters() != null) {
                for (Object p : record.getParameters()) {
                    sb.append(' ').append(p);
                }
            }
            if (record.getThrown() != null) {
                StringWriter w = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(w));
                sb.append(' ').append(w);
            }
            synchronized (lines) {
                lines.add(sb.toString());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @Inject
    FieldKeys keys;

    @BeforeEach
    void install() {
        capture.setLevel(Level.ALL);
        org.jboss.logmanager.LogContext.getLogContext().getLogger("").addHandler(capture);
    }

    @AfterEach
    void uninstall() {
        org.jboss.logmanager.LogContext.getLogContext().getLogger("").removeHandler(capture);
    }

    @Test
    void noSecretCodePhoneOrPasswordIsLogged() {
        String user = "logs-" + UUID.randomUUID();
        String password = "Tr0ub4dor&3-" + UUID.randomUUID();
        TestPasswords.register(user, password);
        List<String> secrets = new ArrayList<>(List.of(password));
        List<String> responses = new ArrayList<>();

        responses.add(Api.user(user, ORG)
                .body(Map.of("password", "wrong-" + password))
                .post("/api/v1/me/reauth")
                .then()
                .statusCode(401)
                .extract()
                .asString());
        String reauth = Api.user(user, ORG)
                .body(Map.of("password", password))
                .post("/api/v1/me/reauth")
                .then()
                .statusCode(200)
                .extract()
                .path("reauthToken");
        secrets.add(reauth);

        var totp = Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .post("/api/v1/me/mfa/authenticator-app")
                .then()
                .statusCode(201)
                .extract();
        String secret = totp.path("secret");
        secrets.add(secret);
        String wrong = AuthenticatorAppIT.wrongCode(secret);
        responses.add(Api.user(user, ORG)
                .body(Map.of("code", wrong))
                .post("/api/v1/me/mfa/enrollments/" + totp.path("enrollmentId") + "/confirm")
                .then()
                .statusCode(422)
                .extract()
                .asString());
        String recovery = Api.user(user, ORG)
                .body(Map.of("code", AuthenticatorAppIT.currentCode(secret)))
                .post("/api/v1/me/mfa/enrollments/" + totp.path("enrollmentId") + "/confirm")
                .then()
                .statusCode(200)
                .extract()
                .path("recoveryCode");
        secrets.add(recovery);
        secrets.add(recovery.replace("-", ""));

        String assertion = Api.assertion(user, ORG);
        var sms = Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .header("X-MFA-Assertion", assertion)
                .body(Map.of("countryCode", "US", "phoneNumber", "+1 (415) 555-2671"))
                .post("/api/v1/me/mfa/sms")
                .then()
                .statusCode(201)
                .extract();
        secrets.add("4155552671");
        secrets.add("415) 555-2671");
        // An assertion authorises one change (issue 15 #13): each change below has its own.
        responses.add(Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .header("X-MFA-Assertion", Api.assertion(user, ORG))
                .body(Map.of("countryCode", "US", "phoneNumber", "+1 800 555 0199"))
                .post("/api/v1/me/mfa/sms")
                .then()
                .statusCode(422)
                .extract()
                .asString());
        secrets.add("8005550199");
        var sent = Bus.await(Topics.SMS_REQUESTS, user, EventTypes.SMS_REQUESTED, 1)
                .get(0);
        var request = Bus.data(sent, Events.SmsRequested.class);
        String code = keys.open(SealedField.SMS_CODE, request.userId(), request.code());
        // A 6-digit code is checked as a whole token (six digits can occur inside longer numbers or hex ids).
        java.util.regex.Pattern codeToken =
                java.util.regex.Pattern.compile("(?<![0-9A-Za-z])" + code + "(?![0-9A-Za-z])");
        String smsWrong = code.equals("000000") ? "111111" : "000000";
        responses.add(Api.user(user, ORG)
                .body(Map.of("code", smsWrong))
                .post("/api/v1/me/mfa/enrollments/" + sms.path("enrollmentId") + "/confirm")
                .then()
                .statusCode(422)
                .extract()
                .asString());
        Api.user(user, ORG)
                .body(Map.of("code", code))
                .post("/api/v1/me/mfa/enrollments/" + sms.path("enrollmentId") + "/confirm")
                .then()
                .statusCode(200);
        String regenerated = Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .header("X-MFA-Assertion", Api.assertion(user, ORG))
                .post("/api/v1/me/mfa/recovery-code")
                .then()
                .statusCode(201)
                .extract()
                .path("recoveryCode");
        secrets.add(regenerated);
        Bus.await(Topics.FACTORS, user, EventTypes.RECOVERY_CODE_ISSUED, 2);

        List<String> logged;
        synchronized (lines) {
            logged = List.copyOf(lines);
        }
        // The flow was logged (with ids and masked numbers), so the check below looked at real lines.
        assertThat(logged)
                .as("captured log lines")
                .anyMatch(l -> l.contains("started SMS enrollment"))
                .anyMatch(l -> l.contains("wrong password at reauth"))
                .anyMatch(l -> l.contains("wrong code for"));
        for (String s : secrets) {
            assertThat(logged).as("log lines").noneMatch(l -> l.contains(s));
            assertThat(responses).as("problem responses").noneMatch(r -> r.contains(s));
        }
        assertThat(logged).as("log lines").noneMatch(l -> codeToken.matcher(l).find());
        assertThat(responses)
                .as("problem responses")
                .noneMatch(r -> codeToken.matcher(r).find());
        secrets.add(code);
        // Nor in clear in any event of this user.
        for (String topic : List.of(Topics.FACTORS, Topics.SMS_REQUESTS, Topics.USER_REQUIREMENTS)) {
            Bus.records(topic).stream().filter(r -> user.equals(r.key())).forEach(r -> {
                for (String s : secrets) {
                    assertThat(r.value()).as("event on " + topic).doesNotContain(s);
                }
            });
        }
    }
}
