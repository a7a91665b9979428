package dev.mfa.verification.repository;

import dev.mfa.core.otp.OtpAlgorithm;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.verification.domain.Method;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The verification hot path in two round trips on the bare reactive client (no ORM session): {@code BEGIN} pipelined
 * with one statement that row-locks the user's state and the challenge and reads the factor or recovery code, then
 * one writable-CTE statement pipelined with {@code COMMIT} that applies the outcome. The user's row lock serialises
 * that user's attempts on every replica, as before; the locked rows are re-read at their latest committed version,
 * the factor and recovery code rows may be older, which is harmless because their use is a conditional update.
 */
@ApplicationScoped
public class VerificationStore {

    /** Everything an attempt is judged on; null when the challenge does not exist or is another user's. */
    public record Attempt(
            int consecutiveFailures,
            Instant blockedUntil,
            Instant lockedAt,
            String orgId,
            String methods,
            Instant expiresAt,
            Instant completedAt,
            String smsCodeHash,
            Instant smsCodeExpiresAt,
            List<TotpSecret> totpFactors,
            StoredRecoveryCode recoveryCode) {
        @Override
        public String toString() {
            return "Attempt[failures=" + consecutiveFailures + ", blockedUntil=" + blockedUntil + ", lockedAt="
                    + lockedAt + ", methods=" + methods + ", expiresAt=" + expiresAt + ", completedAt=" + completedAt
                    + ", smsCode=" + (smsCodeHash == null ? null : "***") + ", totpFactors=" + totpFactors
                    + ", recoveryCode=" + recoveryCode + "]";
        }
    }

    /** A TOTP factor, newest first; the secret is still the at-rest ciphertext; window as configured. */
    public record TotpSecret(
            UUID factorId, String secretEnc, Long lastUsedStep, OtpAlgorithm algorithm, int digits, int period) {
        @Override
        public String toString() {
            return "TotpSecret[factorId=" + factorId + ", secretEnc=***, lastUsedStep=" + lastUsedStep + ", algorithm="
                    + algorithm + ", digits=" + digits + ", period=" + period + "]";
        }
    }

    public record StoredRecoveryCode(UUID recoveryCodeId, String codeHash, Instant usedAt) {
        @Override
        public String toString() {
            return "StoredRecoveryCode[recoveryCodeId=" + recoveryCodeId + ", codeHash=***, usedAt=" + usedAt + "]";
        }
    }

    /** An outbox row; {@code onSuccess} says on which outcome it is written. */
    public record OutboxRow(UUID id, String topic, String key, String type, String payload, boolean onSuccess) {}

    /**
     * How to write the outcome. {@code proof} is what the code matched (TOTP: factor id, recovery code: its id, SMS:
     * any non-null value), null when it matched nothing; {@code step} the TOTP step to take. The failure fields are
     * the state after one more failure and are applied only if the code is not accepted.
     */
    public record Outcome(
            Method method,
            UUID proof,
            long step,
            int failures,
            Instant blockedUntil,
            boolean lockNow,
            List<OutboxRow> events) {}

    /** A transaction open on a connection: {@link #finish} or {@link #rollback} ends it. */
    public interface Open {
        Attempt attempt();

        /** Applies the outcome and commits; true when the code was accepted (its use was not taken meanwhile). */
        Uni<Boolean> finish(String userId, UUID challengeId, Instant now, Outcome outcome);

        Uni<Void> rollback();
    }

    private static final String READ = "select u.consecutive_failures, u.blocked_until, u.locked_at, "
            + "c.org_id, c.methods, c.expires_at, c.completed_at, c.sms_code_hash, c.sms_code_expires_at, "
            + "f.factor_id, f.secret_enc, f.last_used_step, f.totp_algorithm, f.totp_digits, f.totp_period, "
            + "r.recovery_code_id, r.code_hash, r.used_at "
            + "from user_state u "
            + "join challenge c on c.challenge_id = $2 and c.user_id = u.user_id "
            + "left join lateral (select factor_id, secret_enc, last_used_step, enrolled_at, totp_algorithm, "
            + "  totp_digits, totp_period from factor "
            + "  where factor.user_id = u.user_id and factor.method = 'TOTP' and $3::boolean) f on true "
            + "left join recovery_code r on r.user_id = u.user_id and $4::boolean "
            + "where u.user_id = $1 "
            + "order by f.enrolled_at desc "
            + "for update of u, c";

    /** The state row normally exists since the challenge was opened; without it there is nothing to lock. */
    private static final String ENSURE_STATE = "insert into user_state (user_id, org_id, requirement, "
            + "consecutive_failures, updated_at) values ($1, $2, 'NOT_REQUIRED', 0, $3) "
            + "on conflict (user_id) do nothing";

    // Whether the code was accepted is decided by the first CTE (per method); everything else follows from it.
    private static final String ACCEPT_TOTP = "with accepted as (update factor set last_used_step = $14::bigint "
            + "where factor_id = $13::uuid and (last_used_step is null or last_used_step < $14::bigint) "
            + "returning factor_id) ";
    private static final String ACCEPT_RECOVERY_CODE = "with accepted as (update recovery_code set used_at = $3 "
            + "where user_id = $1 and recovery_code_id = $13::uuid and used_at is null returning recovery_code_id) ";
    /**
     * The challenge row (holding the SMS code) is locked, so the check made in Java still holds; the code counts only
     * while the factor it was sent to exists (a removal also clears the code, this closes the gap in between).
     */
    private static final String ACCEPT_SMS = "with accepted as (select 1 as ok where $13::uuid is not null and exists "
            + "(select 1 from challenge sc join factor sf on sf.factor_id = sc.sms_factor_id "
            + "where sc.challenge_id = $2)) ";
    /** A success clears failures and wait; with a recovery code it also lifts a lock (issue 15 #12). */
    private static String apply(boolean successUnlocks) {
        return ", ok as (select exists (select 1 from accepted) as v), "
                + "completed as (update challenge set completed_at = $3, sms_code_hash = null "
                + "  where challenge_id = $2 and completed_at is null and (select v from ok) returning 1), "
                + "state as (update user_state set "
                + "  consecutive_failures = case when ok.v then 0 else $4::int end, "
                + "  blocked_until = case when ok.v then null else $5::timestamptz end, "
                + (successUnlocks
                        ? "  locked_at = case when ok.v then null when $6::boolean then $3 else locked_at end, "
                        : "  locked_at = case when not ok.v and $6::boolean then $3 else locked_at end, ")
                + "  updated_at = $3 "
                + "  from ok where user_id = $1 and (not ok.v or consecutive_failures <> 0 or blocked_until is not null"
                + (successUnlocks ? " or locked_at is not null" : "") + ") "
                + "  returning 1), "
                + "events as (" + Outbox.INSERT_ROWS
                + "  select e.id, e.topic, e.record_key, e.event_type, e.payload, $3 "
                + "  from unnest($7::uuid[], $8::text[], $9::text[], $10::text[], $11::text[], $12::boolean[]) "
                + "    with ordinality as e(id, topic, record_key, event_type, payload, on_success, n) "
                + "  where e.on_success = (select v from ok) order by e.n returning 1) "
                + "select v from ok";
    }

    private static final String WRITE_TOTP = ACCEPT_TOTP + apply(false);
    private static final String WRITE_RECOVERY_CODE = ACCEPT_RECOVERY_CODE + apply(true);
    private static final String WRITE_SMS = ACCEPT_SMS + apply(false);

    private final Pool pool;

    public VerificationStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Opens a transaction, locks and reads what the attempt needs, and hands it to {@code work}, which must end the
     * transaction through {@link Open}. Any failure rolls it back before the connection returns to the pool.
     */
    public <T> Uni<T> attempt(
            String userId, String orgId, UUID challengeId, Method method, Instant now, Function<Open, Uni<T>> work) {
        Tuple read = Tuple.of(userId, challengeId, method == Method.TOTP, method == Method.RECOVERY_CODE);
        return pool.withConnection(conn -> {
            // Pipelined: BEGIN and the locking read travel together (one round trip).
            Uni<RowSet<Row>> first = Uni.combine()
                    .all()
                    .unis(
                            conn.query("BEGIN").execute(),
                            conn.preparedQuery(READ).execute(read))
                    .asTuple()
                    .map(t -> t.getItem2());
            return first.flatMap(rows -> rows.size() > 0
                            ? Uni.createFrom().item(rows)
                            // Rare: no state row yet (or no such challenge); create it and look again.
                            : conn.preparedQuery(ENSURE_STATE)
                                    .execute(Tuple.of(userId, orgId, utc(now)))
                                    .flatMap(ignored -> conn.preparedQuery(READ).execute(read)))
                    .flatMap(rows -> work.apply(new OpenTx(conn, toAttempt(rows))))
                    .onFailure()
                    .call(() -> conn.query("ROLLBACK").execute().onFailure().recoverWithNull());
        });
    }

    private static Attempt toAttempt(RowSet<Row> rows) {
        Attempt attempt = null;
        List<TotpSecret> totp = new ArrayList<>();
        for (Row r : rows) {
            if (attempt == null) {
                UUID rcId = r.getUUID("recovery_code_id");
                attempt = new Attempt(
                        r.getInteger("consecutive_failures"),
                        instant(r, "blocked_until"),
                        instant(r, "locked_at"),
                        r.getString("org_id"),
                        r.getString("methods"),
                        instant(r, "expires_at"),
                        instant(r, "completed_at"),
                        r.getString("sms_code_hash"),
                        instant(r, "sms_code_expires_at"),
                        totp,
                        rcId == null
                                ? null
                                : new StoredRecoveryCode(rcId, r.getString("code_hash"), instant(r, "used_at")));
            }
            UUID factorId = r.getUUID("factor_id");
            if (factorId != null) {
                totp.add(new TotpSecret(
                        factorId,
                        r.getString("secret_enc"),
                        r.getLong("last_used_step"),
                        OtpAlgorithm.fromOtpauthName(r.getString("totp_algorithm")),
                        r.getInteger("totp_digits"),
                        r.getInteger("totp_period")));
            }
        }
        return attempt;
    }

    private record OpenTx(SqlConnection conn, Attempt attempt) implements Open {

        @Override
        public Uni<Boolean> finish(String userId, UUID challengeId, Instant now, Outcome o) {
            int n = o.events().size();
            UUID[] ids = new UUID[n];
            String[] topics = new String[n];
            String[] keys = new String[n];
            String[] types = new String[n];
            String[] payloads = new String[n];
            Boolean[] onSuccess = new Boolean[n];
            for (int i = 0; i < n; i++) {
                OutboxRow e = o.events().get(i);
                ids[i] = e.id();
                topics[i] = e.topic();
                keys[i] = e.key();
                types[i] = e.type();
                payloads[i] = e.payload();
                onSuccess[i] = e.onSuccess();
            }
            Tuple args = Tuple.tuple(List.of(userId, challengeId, utc(now)))
                    .addInteger(o.failures())
                    .addOffsetDateTime(utc(o.blockedUntil()))
                    .addBoolean(o.lockNow())
                    .addArrayOfUUID(ids)
                    .addArrayOfString(topics)
                    .addArrayOfString(keys)
                    .addArrayOfString(types)
                    .addArrayOfString(payloads)
                    .addArrayOfBoolean(onSuccess)
                    .addUUID(o.proof());
            String sql = switch (o.method()) {
                case TOTP -> {
                    args.addLong(o.step());
                    yield WRITE_TOTP;
                }
                case RECOVERY_CODE -> WRITE_RECOVERY_CODE;
                case SMS -> WRITE_SMS;
            };
            // Pipelined: the outcome and COMMIT travel together. Should the statement fail, the server answers the
            // COMMIT of the aborted transaction with a rollback, and the failure is reported.
            return Uni.combine()
                    .all()
                    .unis(
                            conn.preparedQuery(sql).execute(args),
                            conn.query("COMMIT").execute())
                    .asTuple()
                    .map(t -> t.getItem1().iterator().next().getBoolean(0));
        }

        @Override
        public Uni<Void> rollback() {
            return conn.query("ROLLBACK").execute().replaceWithVoid();
        }
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
