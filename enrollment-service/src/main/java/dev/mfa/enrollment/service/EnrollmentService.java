package dev.mfa.enrollment.service;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.otp.Base32;
import dev.mfa.core.otp.CodeHasher;
import dev.mfa.core.otp.NumericCodes;
import dev.mfa.core.otp.OtpAuthUri;
import dev.mfa.core.otp.SecretGenerator;
import dev.mfa.core.otp.Totp;
import dev.mfa.core.otp.TotpParameters;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.core.problem.ProblemException;
import dev.mfa.core.security.Caller;
import dev.mfa.enrollment.config.SmsConfig;
import dev.mfa.enrollment.config.TotpConfig;
import dev.mfa.enrollment.domain.Enrollment;
import dev.mfa.enrollment.domain.Factor;
import dev.mfa.enrollment.domain.Method;
import dev.mfa.enrollment.domain.OrgUser;
import dev.mfa.enrollment.repository.EnrollmentRepository;
import dev.mfa.enrollment.repository.FactorRepository;
import dev.mfa.enrollment.repository.OrgUserRepository;
import dev.mfa.enrollment.repository.SmsSendRepository;
import dev.mfa.enrollment.repository.UserLocks;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Enrollment ceremonies: start (authenticator app or SMS), resend, confirm. */
@ApplicationScoped
public class EnrollmentService {

    private static final Logger LOG = Logger.getLogger(EnrollmentService.class);
    public static final String PURPOSE_ENROLLMENT = "ENROLLMENT";
    public static final String TOTP_LABEL = "Authenticator app";
    public static final int MAX_ATTEMPTS_TOTP = 5;
    /** What every authenticator app supports; they travel with mfa.factor.enrolled, so verification follows. */
    static final TotpParameters TOTP = TotpParameters.DEFAULT;

    public static final int MAX_EMAIL_IN_URI = 200;
    private static final String SMS_LOCK = "sms";
    private static final Duration SMS_CAP_WINDOW = Duration.ofHours(1);
    private static final String DESTINATION_PREFIX = "sms-destination:";

    private final EnrollmentRepository enrollments;
    private final FactorRepository factorRows;
    private final OrgUserRepository users;
    private final SmsSendRepository sends;
    private final UserLocks locks;
    private final Outbox outbox;
    private final Clock clock;
    private final FieldKeys keys;
    private final CodeHasher hasher;
    private final NumericCodes codes;
    private final SecretGenerator secrets;
    private final TotpConfig totpConfig;
    private final SmsConfig smsConfig;
    private final FactorService factors;
    private final QrCodes qr;
    private final MeterRegistry registry;
    private final PolicyService policies;
    private final AssertionVerifier assertions;
    /** Single use of step-up assertions (issue 15 #13). */
    private final SingleUseAssertions singleUse;

    public EnrollmentService(
            EnrollmentRepository enrollments,
            FactorRepository factorRows,
            OrgUserRepository users,
            SmsSendRepository sends,
            UserLocks locks,
            Outbox outbox,
            Clock clock,
            FieldKeys keys,
            CodeHasher hasher,
            NumericCodes codes,
            SecretGenerator secrets,
            TotpConfig totpConfig,
            SmsConfig smsConfig,
            FactorService factors,
            QrCodes qr,
            MeterRegistry registry,
            PolicyService policies,
            AssertionVerifier assertions,
            SingleUseAssertions singleUse) {
        this.enrollments = enrollments;
        this.factorRows = factorRows;
        this.users = users;
        this.sends = sends;
        this.locks = locks;
        this.singleUse = singleUse;
        this.policies = policies;
        this.assertions = assertions;
        this.outbox = outbox;
        this.clock = clock;
        this.keys = keys;
        this.hasher = hasher;
        this.codes = codes;
        this.secrets = secrets;
        this.totpConfig = totpConfig;
        this.smsConfig = smsConfig;
        this.factors = factors;
        this.qr = qr;
        this.registry = registry;
    }

    public record TotpStarted(
            UUID enrollmentId, String secret, String otpauthUri, String qrCodeDataUri, Instant expiresAt) {
        @Override
        public String toString() {
            return "TotpStarted[" + enrollmentId + "]";
        }
    }

    public record SmsStarted(UUID enrollmentId, String phoneMasked, Instant expiresAt, Instant resendAvailableAt) {}

    /** Outcome of a confirmation: the attempt counter must commit even when the code is wrong. */
    public sealed interface ConfirmOutcome permits Confirmed, WrongCode {}

    public record Confirmed(FactorService.FactorView factor, String recoveryCode) implements ConfirmOutcome {
        @Override
        public String toString() {
            return "Confirmed[" + factor.factorId() + "]";
        }
    }

    public record WrongCode(int attemptsRemaining) implements ConfirmOutcome {}

    // ------------------------------------------------------------------------------------------ authenticator app

    @WithTransaction
    public Uni<TotpStarted> startTotp(Caller caller, boolean steppedUp) {
        Instant now = clock.instant();
        return enrollments
                .cancelPending(caller.userId(), Method.TOTP)
                .flatMap(i -> users.findById(caller.userId()))
                .flatMap(user -> {
                    byte[] key = secrets.newSecret();
                    String base32 = Base32.encode(key);
                    Enrollment e = newEnrollment(caller, Method.TOTP, now, steppedUp);
                    e.secret = sealAtRest(e, SealedField.TOTP_SECRET, base32);
                    e.expiresAt = now.plus(totpConfig.enrollmentTtl());
                    String uri = otpauthUri(user, caller, base32);
                    started(Method.TOTP);
                    LOG.infof("user %s started authenticator-app enrollment %s", caller.userId(), e.enrollmentId);
                    return enrollments
                            .persist(e)
                            .replaceWith(new TotpStarted(e.enrollmentId, base32, uri, qr.dataUri(uri), e.expiresAt));
                });
    }

    /** The QR PNG of a pending authenticator-app enrollment of the caller. */
    @WithSession
    public Uni<byte[]> qrPng(Caller caller, UUID enrollmentId) {
        return find(caller, enrollmentId).flatMap(e -> {
            if (e.method != Method.TOTP) {
                throw ProblemException.notFound("No such authenticator-app enrollment.");
            }
            requirePending(e);
            String base32 = openAtRest(e, SealedField.TOTP_SECRET, e.secret);
            return users.findById(caller.userId()).map(user -> qr.png(otpauthUri(user, caller, base32)));
        });
    }

    /** Pending enrollments' fields at rest are bound to field, user and enrollment (issue 15 #14). */
    private String sealAtRest(Enrollment e, SealedField field, String plaintext) {
        return keys.sealAtRest(field, e.userId, e.enrollmentId.toString(), plaintext);
    }

    /** Rows written before the key split still open with the old shared key and their old context. */
    private String openAtRest(Enrollment e, SealedField field, String ciphertext) {
        return keys.openAtRest(
                field, e.userId, e.enrollmentId.toString(), ciphertext, Enrollment.context(e.enrollmentId));
    }

    private String otpauthUri(OrgUser user, Caller caller, String base32) {
        String account = user != null && user.email != null && !user.email.isBlank() ? user.email : caller.userId();
        account = account.replace(":", "").trim();
        if (account.length() > MAX_EMAIL_IN_URI) {
            account = account.substring(0, MAX_EMAIL_IN_URI);
        }
        return OtpAuthUri.builder()
                .issuer(totpConfig.issuer())
                .account(account)
                .secretBase32(base32)
                .algorithm(TOTP.algorithm())
                .digits(TOTP.digits())
                .period(TOTP.periodSeconds())
                .build()
                .uri();
    }

    // ------------------------------------------------------------------------------------------ SMS

    /**
     * Sends the first code. Under the user's lock (parallel starts would otherwise all pass the count), the hourly
     * caps count the codes this user was sent, starts and resends alike: in all, and to this one number. The
     * per-number cap is the requesting user's own, so nobody can use up a victim's number (issue 15 #2).
     */
    @WithTransaction
    public Uni<SmsStarted> startSms(Caller caller, PhoneNumbers.ValidPhone phone, boolean steppedUp) {
        Instant now = clock.instant();
        String destination = destinationHash(phone.e164());
        return locks.lock(SMS_LOCK, caller.userId())
                .flatMap(i -> sends.since(caller.userId(), now.minus(SMS_CAP_WINDOW)))
                .flatMap(recent -> {
                    checkSmsCaps(recent, destination, now);
                    return enrollments.cancelPending(caller.userId(), Method.SMS);
                })
                .flatMap(i -> {
                    Enrollment e = newEnrollment(caller, Method.SMS, now, steppedUp);
                    e.phone = sealAtRest(e, SealedField.PHONE, phone.e164());
                    e.phoneMasked = phone.masked();
                    e.country = phone.country();
                    started(Method.SMS);
                    LOG.infof("user %s started SMS enrollment %s (%s)", caller.userId(), e.enrollmentId, phone);
                    return enrollments
                            .persist(e)
                            .flatMap(p -> sendCode(e, phone.e164(), now))
                            .replaceWith(() ->
                                    new SmsStarted(e.enrollmentId, e.phoneMasked, e.expiresAt, e.resendAvailableAt));
                });
    }

    /** {@code 202 {"resendAvailableAt"}}: a new code replaces the old one. */
    @WithTransaction
    public Uni<Instant> resend(Caller caller, UUID enrollmentId) {
        Instant now = clock.instant();
        // The user's lock first, as startSms takes it, then the row: the other order could deadlock with a start.
        return locks.lock(SMS_LOCK, caller.userId())
                .flatMap(i -> lock(caller, enrollmentId))
                .flatMap(e -> {
                    if (e.method != Method.SMS) {
                        throw ProblemException.conflict("not-sms", "Only SMS enrollments send codes.");
                    }
                    requirePending(e);
                    if (e.sends >= smsConfig.maxSends()) {
                        throw ProblemException.tooManyRequests(
                                "too-many-sends",
                                "No more codes can be sent for this enrollment; start again later.",
                                Duration.between(now, e.expiresAt).toSeconds() + 1);
                    }
                    if (now.isBefore(e.resendAvailableAt)) {
                        throw ProblemException.tooManyRequests(
                                "resend-too-soon",
                                "Wait before asking for another code.",
                                Duration.between(now, e.resendAvailableAt).toSeconds() + 1);
                    }
                    String e164 = openAtRest(e, SealedField.PHONE, e.phone);
                    return sends.since(caller.userId(), now.minus(SMS_CAP_WINDOW))
                            .invoke(recent -> checkSmsCaps(recent, destinationHash(e164), now))
                            .flatMap(recent -> sendCode(e, e164, now))
                            .replaceWith(() -> e.resendAvailableAt);
                });
    }

    private void checkSmsCaps(List<SmsSendRepository.Sent> recent, String destination, Instant now) {
        if (recent.size() >= smsConfig.maxStartsPerHour()) {
            throw ProblemException.tooManyRequests(
                    "too-many-sms", "Too many text messages sent. Try again later.", untilOldestLeaves(recent, now));
        }
        List<SmsSendRepository.Sent> toNumber = recent.stream()
                .filter(sent -> MessageDigest.isEqual(
                        sent.destinationHash().getBytes(StandardCharsets.UTF_8),
                        destination.getBytes(StandardCharsets.UTF_8)))
                .toList();
        if (toNumber.size() >= smsConfig.maxSendsPerNumberPerHour()) {
            throw ProblemException.tooManyRequests(
                    "too-many-sms-to-number",
                    "Too many text messages sent to this number. Try again later, or use another method.",
                    untilOldestLeaves(toNumber, now));
        }
    }

    private static long untilOldestLeaves(List<SmsSendRepository.Sent> sent, Instant now) {
        return Duration.between(now, sent.get(0).sentAt().plus(SMS_CAP_WINDOW)).toSeconds() + 1;
    }

    /** A keyed hash of the number (domain-separated from codes), so that the caps never store it in clear. */
    private String destinationHash(String e164) {
        return hasher.hash(DESTINATION_PREFIX + e164);
    }

    /** New code: hashed at rest, sent encrypted for notification-service; the resend wait doubles per send. */
    private Uni<?> sendCode(Enrollment e, String e164, Instant now) {
        String code = codes.generate();
        e.codeHash = hasher.hash(code);
        e.sends += 1;
        e.expiresAt = now.plus(smsConfig.codeTtl());
        e.resendAvailableAt = now.plus(smsConfig.resendDelay().multipliedBy(1L << Math.min(e.sends - 1, 20)));
        registry.counter("mfa.enrollment.sms.codes.requested", "purpose", PURPOSE_ENROLLMENT)
                .increment();
        LOG.debugf("SMS code %d of enrollment %s requested for %s", e.sends, e.enrollmentId, e.phoneMasked);
        e.smsRequestId = UUID.randomUUID();
        return sends.record(e.userId, destinationHash(e164), now)
                .flatMap(i -> outbox.publish(
                        Topics.SMS_REQUESTS,
                        new Events.SmsRequested(
                                e.smsRequestId,
                                e.userId,
                                PURPOSE_ENROLLMENT,
                                e.country,
                                keys.seal(SealedField.PHONE, e.userId, e164),
                                keys.seal(SealedField.SMS_CODE, e.userId, code),
                                e.expiresAt)));
    }

    /**
     * notification-service could not deliver the latest code of a pending enrollment (provider refused it, or it
     * expired before it could be sent): the user may ask for a new one at once instead of waiting out the cooldown.
     * A failure of an older, already replaced code changes nothing. Runs in the consumer's transaction.
     */
    public Uni<Integer> smsFailed(Events.SmsFailed failed) {
        return enrollments.allowResendNow(failed.requestId(), clock.instant()).invoke(count -> {
            if (count > 0) {
                LOG.infof(
                        "SMS code of an enrollment of user %s not delivered (%s): resend allowed now",
                        failed.userId(), failed.reason());
            }
        });
    }

    // ------------------------------------------------------------------------------------------ confirmation

    /**
     * Checks the code and adds the factor. What the start checked is checked again here, where the factor is added:
     * the org must still allow the method, and a user who has a factor now needs step-up unless the start had it
     * ({@code assertion}, else 401), so that a ceremony begun before the first factor cannot add a second one.
     */
    @WithTransaction
    public Uni<ConfirmOutcome> confirm(Caller caller, UUID enrollmentId, String code, String assertion) {
        Instant now = clock.instant();
        return lock(caller, enrollmentId).flatMap(e -> {
            if (e.status == Enrollment.Status.CONFIRMED) {
                throw ProblemException.gone("enrollment-confirmed", "This enrollment is already confirmed.");
            }
            requirePending(e);
            return policies.find(caller.orgId())
                    .flatMap(policy -> {
                        if (!policy.allows(e.method)) {
                            throw ProblemException.unprocessable(
                                    "method-not-allowed", "Your organization no longer allows this method.", null);
                        }
                        return e.steppedUp ? Uni.createFrom().item(0L) : factorRows.countOfUser(caller.userId());
                    })
                    .flatMap(factorCount -> {
                        if (factorCount == 0) {
                            return checkCode(caller, e, code, now);
                        }
                        // Spent only if the factor is added (issue 15 #13); an already spent one counts no code.
                        AssertionVerifier.Verified stepUp = assertions.verify(caller, assertion);
                        return singleUse
                                .requireUnused(caller, stepUp)
                                .flatMap(i -> checkCode(caller, e, code, now))
                                .call(outcome -> outcome instanceof Confirmed
                                        ? singleUse.spend(caller, stepUp)
                                        : Uni.createFrom().voidItem());
                    });
        });
    }

    private Uni<ConfirmOutcome> checkCode(Caller caller, Enrollment e, String code, Instant now) {
        OptionalLong step = OptionalLong.empty();
        boolean ok;
        if (e.method == Method.TOTP) {
            String base32 = openAtRest(e, SealedField.TOTP_SECRET, e.secret);
            step = new Totp(clock, TOTP).verify(Base32.decode(base32), code, Totp.NO_STEP_USED);
            ok = step.isPresent();
        } else {
            ok = hasher.matches(code, e.codeHash);
        }
        if (!ok) {
            e.attempts += 1;
            int max = e.method == Method.SMS ? smsConfig.maxAttempts() : MAX_ATTEMPTS_TOTP;
            int remaining = Math.max(0, max - e.attempts);
            if (remaining == 0) {
                e.status = Enrollment.Status.FAILED;
                e.secret = null;
                e.codeHash = null;
                registry.counter("mfa.enrollment.enrollments.failed", "method", e.method.name())
                        .increment();
            }
            LOG.infof(
                    "wrong code for enrollment %s of user %s, %d attempt(s) left", e.enrollmentId, e.userId, remaining);
            return Uni.createFrom().item((ConfirmOutcome) new WrongCode(remaining));
        }
        return activate(caller, e, step, now);
    }

    private Uni<ConfirmOutcome> activate(Caller caller, Enrollment e, OptionalLong step, Instant now) {
        Factor f = new Factor();
        f.factorId = UUID.randomUUID();
        f.userId = caller.userId();
        f.orgId = caller.orgId();
        f.method = e.method;
        f.createdAt = now;
        String eventSecret = null;
        String eventPhone = null;
        if (e.method == Method.TOTP) {
            String base32 = openAtRest(e, SealedField.TOTP_SECRET, e.secret);
            f.secret = keys.sealAtRest(SealedField.TOTP_SECRET, f.userId, f.factorId.toString(), base32);
            f.lastUsedStep = step.getAsLong();
            f.label = TOTP_LABEL;
            eventSecret = keys.seal(SealedField.TOTP_SECRET, f.userId, base32);
        } else {
            String e164 = openAtRest(e, SealedField.PHONE, e.phone);
            f.phone = keys.sealAtRest(SealedField.PHONE, f.userId, f.factorId.toString(), e164);
            f.phoneMasked = e.phoneMasked;
            f.country = e.country;
            f.label = "Phone ending in " + e164.substring(e164.length() - 2);
            eventPhone = keys.seal(SealedField.PHONE, f.userId, e164);
        }
        e.status = Enrollment.Status.CONFIRMED;
        e.secret = null;
        e.phone = null;
        e.codeHash = null;
        Events.FactorEnrolled factor = new Events.FactorEnrolled(
                f.factorId,
                f.userId,
                f.orgId,
                f.method.name(),
                f.label,
                eventSecret,
                eventPhone,
                f.phoneMasked,
                f.country,
                f.lastUsedStep,
                now);
        Events.FactorEnrolled enrolled = e.method == Method.TOTP ? factor.withTotp(TOTP) : factor;
        registry.counter("mfa.enrollment.enrollments.confirmed", "method", e.method.name())
                .increment();
        LOG.infof("user %s confirmed %s enrollment %s: factor %s", f.userId, f.method, e.enrollmentId, f.factorId);
        return factors.add(f, enrolled, now).map(recovery -> new Confirmed(FactorService.FactorView.of(f), recovery));
    }

    // ------------------------------------------------------------------------------------------ helpers

    private Uni<Enrollment> find(Caller caller, UUID id) {
        return enrollments.findOwned(id, caller.userId()).map(EnrollmentService::found);
    }

    /** Inside a transaction: the caller's enrollment, row-locked for the rest of it. */
    private Uni<Enrollment> lock(Caller caller, UUID id) {
        return enrollments.lockOwned(id, caller.userId()).map(EnrollmentService::found);
    }

    private static Enrollment found(Enrollment e) {
        if (e == null) {
            throw ProblemException.notFound("No such enrollment.");
        }
        return e;
    }

    private void requirePending(Enrollment e) {
        switch (e.status) {
            case CONFIRMED ->
                throw ProblemException.gone("enrollment-confirmed", "This enrollment is already confirmed.");
            case FAILED ->
                throw ProblemException.gone("enrollment-failed", "Too many wrong codes: start the enrollment again.");
            case CANCELLED ->
                throw ProblemException.gone("enrollment-cancelled", "A newer enrollment replaced this one.");
            default -> {}
        }
        if (!clock.instant().isBefore(e.expiresAt)) {
            throw ProblemException.gone("enrollment-expired", "This enrollment expired: start again.");
        }
    }

    private Enrollment newEnrollment(Caller caller, Method method, Instant now, boolean steppedUp) {
        Enrollment e = new Enrollment();
        e.enrollmentId = UUID.randomUUID();
        e.userId = caller.userId();
        e.orgId = caller.orgId();
        e.method = method;
        e.status = Enrollment.Status.PENDING;
        e.steppedUp = steppedUp;
        e.createdAt = now;
        e.expiresAt = now;
        return e;
    }

    private void started(Method method) {
        registry.counter("mfa.enrollment.enrollments.started", "method", method.name())
                .increment();
    }

    /** Ceremonies nobody finished are useless after a day; their ciphertexts go with them. */
    public Uni<Integer> purge() {
        Instant dayAgo = clock.instant().minus(Duration.ofDays(1));
        return Panache.withTransaction(() -> enrollments
                .deleteCreatedBefore(dayAgo)
                .call(i -> sends.purge(dayAgo))
                .map(Long::intValue));
    }
}
