package dev.mfa.core.problem;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every problem {@code type} the platform answers with, and its one status: the same fault answers the same status and
 * type in every service (and in the web edge). {@code ProblemCatalogueTest} reads the sources of every module and
 * fails on a type that is missing here or thrown with another status; a new fault is added here first.
 */
public enum ProblemCatalogue {

    // 400: the request was read, but it does not say what the call needs / it could not be read at all
    INVALID_REQUEST(400, "invalid-request"),
    MALFORMED_REQUEST(400, "malformed-request"),
    // 401: who is calling, or a proof they must add
    UNAUTHORIZED(401, "unauthorized"),
    INVALID_TOKEN(401, "invalid-token"),
    INVALID_SIGNATURE(401, "invalid-signature"),
    INVALID_CREDENTIALS(401, "invalid-credentials"),
    WRONG_PASSWORD(401, "wrong-password"),
    REAUTH_REQUIRED(401, "reauth-required"),
    STEP_UP_REQUIRED(401, "step-up-required"),
    MFA_ASSERTION_REQUIRED(401, "mfa-assertion-required"),
    MFA_ASSERTION_INVALID(401, "mfa-assertion-invalid"),
    MFA_ASSERTION_EXPIRED(401, "mfa-assertion-expired"),
    // 403, 404, 405, 406, 413, 415: the HTTP layer's own
    FORBIDDEN(403, "forbidden"),
    ORG_ADMIN_REQUIRED(403, "org-admin-required"),
    SIGN_IN_REFUSED(403, "sign-in-refused"),
    PLATFORM_OPERATOR_REQUIRED(403, "platform-operator-required"),
    NOT_FOUND(404, "not-found"),
    HTTP_METHOD_NOT_ALLOWED(405, "http-method-not-allowed"),
    NOT_ACCEPTABLE(406, "not-acceptable"),
    PAYLOAD_TOO_LARGE(413, "payload-too-large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type"),
    // 409: the resource's state does not allow the call now
    ENROLLMENT_REQUIRED(409, "enrollment-required"),
    CHALLENGE_COMPLETED(409, "challenge-completed"),
    LAST_FACTOR(409, "last-factor"),
    NO_FACTOR(409, "no-factor"),
    NOT_SMS(409, "not-sms"),
    MFA_NOT_AVAILABLE(409, "mfa-not-available"),
    // 410: the resource is over for good
    CHALLENGE_EXPIRED(410, "challenge-expired"),
    ENROLLMENT_CANCELLED(410, "enrollment-cancelled"),
    ENROLLMENT_CONFIRMED(410, "enrollment-confirmed"),
    ENROLLMENT_EXPIRED(410, "enrollment-expired"),
    ENROLLMENT_FAILED(410, "enrollment-failed"),
    // 422: well-formed, but not acceptable
    WRONG_CODE(422, "wrong-code"),
    UNKNOWN_METHOD(422, "unknown-method"),
    METHOD_NOT_OFFERED(422, "method-not-offered"),
    METHOD_NOT_ALLOWED(422, "method-not-allowed"),
    INVALID_POLICY(422, "invalid-policy"),
    DEADLINE_IN_PAST(422, "deadline-in-past"),
    DEADLINE_TOO_FAR(422, "deadline-too-far"),
    INVALID_COUNTRY(422, "invalid-country"),
    COUNTRY_NOT_ALLOWED(422, "country-not-allowed"),
    INVALID_PHONE_NUMBER(422, "invalid-phone-number"),
    PHONE_NUMBER_COUNTRY_MISMATCH(422, "phone-number-country-mismatch"),
    PHONE_NUMBER_TYPE_NOT_ALLOWED(422, "phone-number-type-not-allowed"),
    INVALID_EXEMPTION(422, "invalid-exemption"),
    EXEMPTION_IN_PAST(422, "exemption-in-past"),
    EXEMPTION_TOO_LONG(422, "exemption-too-long"),
    PAY_USER_NOT_EXEMPTIBLE(422, "pay-user-not-exemptible"),
    // 429: slow down (with Retry-After)
    REAUTH_THROTTLED(429, "reauth-throttled"),
    VERIFICATION_THROTTLED(429, "verification-throttled"),
    USER_LOCKED(429, "user-locked"),
    TOO_MANY_CHALLENGES(429, "too-many-challenges"),
    RESEND_TOO_SOON(429, "resend-too-soon"),
    TOO_MANY_SENDS(429, "too-many-sends"),
    TOO_MANY_SMS(429, "too-many-sms"),
    TOO_MANY_SMS_TO_NUMBER(429, "too-many-sms-to-number"),
    // 5xx
    INTERNAL_ERROR(500, "internal-error"),
    UNAVAILABLE(503, "unavailable"),
    PASSWORD_CHECK_UNAVAILABLE(503, "password-check-unavailable");

    private static final Map<String, ProblemCatalogue> BY_SLUG =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ProblemCatalogue::slug, Function.identity()));

    private final int status;
    private final String slug;

    ProblemCatalogue(int status, String slug) {
        this.status = status;
        this.slug = slug;
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public static Optional<ProblemCatalogue> bySlug(String slug) {
        return Optional.ofNullable(BY_SLUG.get(slug));
    }

    /**
     * The type of a failure the HTTP layer reports by status alone: its reason phrase as a slug, except where that
     * would say something else in this catalogue (405's "method not allowed" is about HTTP methods, not MFA methods;
     * an unreadable request is {@code malformed-request}, as an unparseable JSON body is).
     */
    public static String slugForStatus(int status, String reasonPhrase) {
        return switch (status) {
            case 400 -> MALFORMED_REQUEST.slug;
            case 405 -> HTTP_METHOD_NOT_ALLOWED.slug;
            default -> {
                String slug = reasonPhrase == null
                        ? ""
                        : reasonPhrase
                                .toLowerCase(java.util.Locale.ROOT)
                                .replaceAll("[^a-z]+", "-")
                                .replaceAll("(^-|-$)", "");
                yield slug.isEmpty() ? "error" : slug;
            }
        };
    }
}
