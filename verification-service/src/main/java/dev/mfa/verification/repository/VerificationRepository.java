package dev.mfa.verification.repository;

import dev.mfa.core.events.EventData;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.domain.Method;
import dev.mfa.verification.domain.RecoveryCode;
import dev.mfa.verification.domain.UserState;
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
 * The verification hot path on the bare reactive client (no ORM session). A TOTP code that matched in memory is first
 * tried in one statement without a transaction of its own ({@link #tryTotp}, after a {@link #peek} when the
 * caller has not got the factors yet; no {@code BEGIN}/{@code COMMIT}); everything else, and any attempt that statement does not accept, takes the locked
 * path ({@link #attempt}), one transaction per attempt in two round trips: {@code BEGIN} with one statement that row-locks the user's state and the challenge and reads the factors or
 * recovery code; then the caller's rules decide, in memory; then one writable-CTE statement with {@code COMMIT} that
 * applies the decision and writes its events through {@link Outbox}'s row and INSERT head. The user's row lock
 * serialises that user's attempts on every replica; the locked rows are read at their latest committed version, the
 * factor and recovery code rows may be older, which is harmless because their use is a conditional update.
 */
@ApplicationScoped
public class VerificationRepository {

    /**
     * Everything an attempt is judged on, as of the locks: the user's failure state, the challenge, and the user's
     * TOTP factors (newest first) or recovery code when the method needs them.
     */
    public record Attempt(UserState state, Challenge challenge, List<Factor> totpFactors, RecoveryCode recoveryCode) {}

    /**
     * What to write once a code was evaluated. {@code proof} is what the code matched (TOTP: factor id, recovery code:
     * its id, SMS: the challenge id), null when it matched nothing; {@code step} the TOTP step to take. The failure
     * fields are the state after one more failure and apply only if the code is not accepted. {@code onSuccess} or
     * {@code onFailure} are the events written with it, in order.
     */
    public record Write(
            Method method,
            UUID proof,
            long step,
            int failures,
            Instant blockedUntil,
            boolean lockNow,
            List<EventData> onSuccess,
            List<EventData> onFailure) {}

    /** The attempt as read (null: no such challenge), the write made (null: none) and whether the code was accepted. */
    public record Attempted(Attempt attempt, Write write, boolean accepted) {}

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

    /** {@link #READ} for TOTP without the row locks: a snapshot, autocommitted. */
    private static final String PEEK =
            READ.replace("$3::boolean", "true").replace("$4::boolean", "false").replace(" for update of u, c", "");

    /**
     * A TOTP attempt in one statement (its own implicit transaction). Each step runs only if the one before it did, so
     * a refusal at any step writes nothing after it:
     * <ol>
     *   <li>{@code state} locks the user's state row and reads it at its latest committed version (READ COMMITTED
     *       re-reads a row it had to wait for). Every other attempt of this user, on any replica, waits for this lock,
     *       as on the locked path;</li>
     *   <li>{@code gate}: not locked, no wait running, and the challenge still open in this statement's snapshot;</li>
     *   <li>{@code used} takes the factor's step if a factor was matched ({@code $4}, null when the code matched none)
     *       and no later or equal step was used (re-checked on the latest row version: of two parallel replays one
     *       wins);</li>
     *   <li>{@code done} completes the challenge if it is still open (of two codes for one challenge, one wins);</li>
     *   <li>{@code reset} clears the failures and {@code events} writes the success event, both only once done.</li>
     * </ol>
     * It answers whether the code was taken, and the state row as locked, so that a locked or waiting user is answered
     * from it whatever the code: the same statement and the same answer whether it matched or not.
     * What a refusal can leave behind: only a step taken ({@code used}) when {@code done} then found the challenge
     * completed by a parallel success — that code was valid and is spent, which replay protection wants anyway.
     * Failures are never counted here: the caller then takes the locked path, which decides and counts as always.
     */
    private static final String TRY_TOTP = "with state as (select u.locked_at, u.blocked_until from user_state u "
            + "  where u.user_id = $1 for update of u), "
            + "gate as (select 1 from state s where s.locked_at is null "
            + "  and (s.blocked_until is null or s.blocked_until <= $3) "
            + "  and exists (select 1 from challenge c where c.challenge_id = $2 and c.user_id = $1 "
            + "    and c.completed_at is null and c.expires_at > $3)), "
            + "used as (update factor set last_used_step = $5 where factor_id = $4 and user_id = $1 "
            + "  and method = 'TOTP' and (last_used_step is null or last_used_step < $5) "
            + "  and exists (select 1 from gate) returning 1), "
            + "done as (update challenge set completed_at = $3, sms_code_hash = null "
            + "  where challenge_id = $2 and user_id = $1 and completed_at is null "
            + "  and exists (select 1 from used) returning 1), "
            + "reset as (update user_state set consecutive_failures = 0, blocked_until = null, updated_at = $3 "
            + "  where user_id = $1 and (consecutive_failures <> 0 or blocked_until is not null) "
            + "  and exists (select 1 from done) returning 1), "
            + "events as (" + Outbox.INSERT_ROWS
            + "  select $6::uuid, $7::text, $8::text, $9::text, $10::text, $3 where exists (select 1 from done) "
            + "  returning 1) "
            + "select exists (select 1 from done) as accepted, exists (select 1 from state) as has_state, "
            + "  (select locked_at from state) as locked_at, (select blocked_until from state) as blocked_until";

    /**
     * What {@link #tryTotp} came to: whether the code was taken, and the user's state as the statement locked it
     * (null: no state row yet). Only the lock and the wait are filled in.
     */
    public record TotpTry(boolean accepted, UserState state) {}

    private final Pool pool;
    private final Outbox outbox;

    public VerificationRepository(Pool pool, Outbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    /**
     * What a TOTP attempt would be judged on, read without locks or a transaction (null: no such challenge of this
     * user, or no state row yet). Only good for a first look: whatever it shows may change before a write.
     */
    public Uni<Attempt> peek(String userId, UUID challengeId) {
        return pool.preparedQuery(PEEK)
                .execute(Tuple.of(userId, challengeId))
                .map(rows -> rows.size() == 0 ? null : toAttempt(userId, challengeId, rows));
    }

    /**
     * Tries TOTP step {@code step} of factor {@code factorId} for the challenge with {@code success} (one event) in one
     * statement ({@link #TRY_TOTP}); a null {@code factorId} (the code matched none) takes nothing and only reads the
     * state under the lock. Not accepted: a lock, a wait, a parallel replay or success, or the challenge's end refused
     * it, and nothing but possibly the step was written.
     */
    public Uni<TotpTry> tryTotp(
            String userId, UUID challengeId, UUID factorId, long step, Instant now, EventData success) {
        Tuple args = Tuple.of(userId, challengeId, utc(now), factorId);
        if (factorId == null) {
            args.addLong(null)
                    .addUUID(null)
                    .addString(null)
                    .addString(null)
                    .addString(null)
                    .addString(null);
        } else {
            Outbox.Row row = outbox.row(Topics.VERIFICATIONS, success, now);
            args.addLong(step)
                    .addUUID(row.id())
                    .addString(row.topic())
                    .addString(row.key())
                    .addString(row.type())
                    .addString(row.payload());
        }
        return pool.preparedQuery(TRY_TOTP).execute(args).map(rows -> {
            Row r = rows.iterator().next();
            UserState state = null;
            if (r.getBoolean("has_state")) {
                state = new UserState();
                state.userId = userId;
                state.lockedAt = instant(r, "locked_at");
                state.blockedUntil = instant(r, "blocked_until");
            }
            return new TotpTry(r.getBoolean("accepted"), state);
        });
    }

    /**
     * One attempt in one transaction: locks and reads what it is judged on, hands that to {@code rules} (pure, no I/O;
     * null when no challenge of this user matches), and writes what they return, or nothing when they return null or
     * throw (rolled back).
     */
    public Uni<Attempted> attempt(
            String userId, String orgId, UUID challengeId, Method method, Instant now, Function<Attempt, Write> rules) {
        Tuple read = Tuple.of(userId, challengeId, method == Method.TOTP, method == Method.RECOVERY_CODE);
        return inTransaction(tx -> tx.first(READ, read)
                .flatMap(rows -> rows.size() > 0
                        ? Uni.createFrom().item(rows)
                        // Rare: no state row yet (or no such challenge); create it and look again.
                        : tx.next(ENSURE_STATE, Tuple.of(userId, orgId, utc(now)))
                                .flatMap(ignored -> tx.next(READ, read)))
                .flatMap(rows -> {
                    Attempt attempt = toAttempt(userId, challengeId, rows);
                    Write write = rules.apply(attempt);
                    if (write == null) {
                        return tx.rollback().replaceWith(new Attempted(attempt, null, false));
                    }
                    return tx.last(sql(write.method()), args(userId, challengeId, now, write))
                            .map(result -> new Attempted(
                                    attempt, write, result.iterator().next().getBoolean(0)));
                }));
    }

    private static String sql(Method method) {
        return switch (method) {
            case TOTP -> WRITE_TOTP;
            case RECOVERY_CODE -> WRITE_RECOVERY_CODE;
            case SMS -> WRITE_SMS;
        };
    }

    private Tuple args(String userId, UUID challengeId, Instant now, Write w) {
        int n = w.onSuccess().size() + w.onFailure().size();
        UUID[] ids = new UUID[n];
        String[] topics = new String[n];
        String[] keys = new String[n];
        String[] types = new String[n];
        String[] payloads = new String[n];
        Boolean[] onSuccess = new Boolean[n];
        for (int i = 0; i < n; i++) {
            boolean success = i < w.onSuccess().size();
            EventData data = success
                    ? w.onSuccess().get(i)
                    : w.onFailure().get(i - w.onSuccess().size());
            Outbox.Row row = outbox.row(Topics.VERIFICATIONS, data, now);
            ids[i] = row.id();
            topics[i] = row.topic();
            keys[i] = row.key();
            types[i] = row.type();
            payloads[i] = row.payload();
            onSuccess[i] = success;
        }
        Tuple args = Tuple.tuple(List.of(userId, challengeId, utc(now)))
                .addInteger(w.failures())
                .addOffsetDateTime(utc(w.blockedUntil()))
                .addBoolean(w.lockNow())
                .addArrayOfUUID(ids)
                .addArrayOfString(topics)
                .addArrayOfString(keys)
                .addArrayOfString(types)
                .addArrayOfString(payloads)
                .addArrayOfBoolean(onSuccess)
                .addUUID(w.proof());
        return w.method() == Method.TOTP ? args.addLong(w.step()) : args;
    }

    private static Attempt toAttempt(String userId, UUID challengeId, RowSet<Row> rows) {
        Attempt attempt = null;
        List<Factor> totp = new ArrayList<>();
        for (Row r : rows) {
            if (attempt == null) {
                attempt =
                        new Attempt(state(userId, r), challenge(userId, challengeId, r), totp, recoveryCode(userId, r));
            }
            if (r.getUUID("factor_id") != null) {
                totp.add(totpFactor(r, userId, attempt.challenge().orgId));
            }
        }
        return attempt;
    }

    /** A TOTP factor from a row with its columns ({@code factor_id}, {@code secret_enc}, its step and parameters). */
    static Factor totpFactor(Row r, String userId, String orgId) {
        Factor f = new Factor();
        f.factorId = r.getUUID("factor_id");
        f.userId = userId;
        f.orgId = orgId;
        f.method = Factor.TOTP;
        f.secretEnc = r.getString("secret_enc");
        f.lastUsedStep = r.getLong("last_used_step");
        f.totpAlgorithm = r.getString("totp_algorithm");
        f.totpDigits = r.getInteger("totp_digits");
        f.totpPeriod = r.getInteger("totp_period");
        return f;
    }

    private static UserState state(String userId, Row r) {
        UserState s = new UserState();
        s.userId = userId;
        s.consecutiveFailures = r.getInteger("consecutive_failures");
        s.blockedUntil = instant(r, "blocked_until");
        s.lockedAt = instant(r, "locked_at");
        return s;
    }

    private static Challenge challenge(String userId, UUID challengeId, Row r) {
        Challenge c = new Challenge();
        c.challengeId = challengeId;
        c.userId = userId;
        c.orgId = r.getString("org_id");
        c.methods = r.getString("methods");
        c.expiresAt = instant(r, "expires_at");
        c.completedAt = instant(r, "completed_at");
        c.smsCodeHash = r.getString("sms_code_hash");
        c.smsCodeExpiresAt = instant(r, "sms_code_expires_at");
        return c;
    }

    private static RecoveryCode recoveryCode(String userId, Row r) {
        UUID id = r.getUUID("recovery_code_id");
        if (id == null) {
            return null;
        }
        RecoveryCode rc = new RecoveryCode();
        rc.userId = userId;
        rc.recoveryCodeId = id;
        rc.codeHash = r.getString("code_hash");
        rc.usedAt = instant(r, "used_at");
        return rc;
    }

    /**
     * This repository's one transaction style: a read-decide-write transaction in two round trips, {@code BEGIN}
     * sent with the first statement and {@code COMMIT} with the last. ({@code Pool.withTransaction} waits for
     * {@code BEGIN} before the first statement and for the last statement before {@code COMMIT}: four round trips.)
     * Any failure rolls back before the connection returns to the pool.
     */
    private <T> Uni<T> inTransaction(Function<Tx, Uni<T>> work) {
        return pool.withConnection(conn -> work.apply(new Tx(conn))
                .onFailure()
                .call(() -> conn.query("ROLLBACK").execute().onFailure().recoverWithNull()));
    }

    private record Tx(SqlConnection conn) {

        /** The first statement, pipelined with {@code BEGIN}. */
        Uni<RowSet<Row>> first(String sql, Tuple args) {
            return Uni.combine()
                    .all()
                    .unis(conn.query("BEGIN").execute(), conn.preparedQuery(sql).execute(args))
                    .asTuple()
                    .map(t -> t.getItem2());
        }

        Uni<RowSet<Row>> next(String sql, Tuple args) {
            return conn.preparedQuery(sql).execute(args);
        }

        /**
         * The last statement, pipelined with {@code COMMIT}. Should it fail, the server answers the {@code COMMIT} of
         * the aborted transaction with a rollback, and the failure is reported.
         */
        Uni<RowSet<Row>> last(String sql, Tuple args) {
            return Uni.combine()
                    .all()
                    .unis(
                            conn.preparedQuery(sql).execute(args),
                            conn.query("COMMIT").execute())
                    .asTuple()
                    .map(t -> t.getItem1());
        }

        Uni<Void> rollback() {
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
