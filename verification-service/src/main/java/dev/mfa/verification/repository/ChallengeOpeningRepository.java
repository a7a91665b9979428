package dev.mfa.verification.repository;

import dev.mfa.verification.domain.Challenge;
import dev.mfa.verification.domain.Factor;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Opening a sign-in challenge ({@code POST /challenges}) on the bare reactive client: one statement, one round trip,
 * its own implicit transaction (no ORM session, no {@code BEGIN}/{@code COMMIT}).
 *
 * <p>The statement reads the user's factors, unused recovery code and requirement, and, only when the user has
 * factors, upserts the user's state row (verifications lock it) and inserts the challenge if the hourly window admits
 * it. The window is the list of the last hour's challenge creation times held on the state row
 * ({@code challenge_window}), not a count of the challenge table, because of how READ COMMITTED works:
 * <ul>
 *   <li>{@code INSERT ... ON CONFLICT DO UPDATE} locks the user's row (waiting for a parallel opening, SMS send or
 *       verification of the same user, on any replica) and evaluates its {@code SET} on the row's latest committed
 *       version, not on the statement's snapshot. Each admission therefore sees every admission committed before it,
 *       and decides and records itself in one row update: exactly {@code max} per window, whatever the concurrency.
 *   <li>Two first openings race on the primary key: one inserts, the other waits for it and takes the update path.
 *   <li>A {@code count(*)} of the challenge table in the same statement would use the snapshot taken when the
 *       statement started, before the lock wait, and miss challenges committed meanwhile: not exact.
 *   <li>The challenge is inserted by the same statement, conditioned on the admission it returns: both or neither.
 * </ul>
 * The factors, recovery code and requirement are read from the statement's snapshot, as the previous transaction read
 * them before taking its lock.
 */
@ApplicationScoped
public class ChallengeOpeningRepository {

    /**
     * What the statement read and did. {@code hasFactors} false: nothing was written and {@code requirement} is the
     * projection's (null without a state row). Otherwise {@code challenge} is the challenge opened, or null when the
     * window refused it; {@code window} holds the creation times the window counts after this request (oldest first)
     * and {@code totpFactors} the user's TOTP factors as read, newest first.
     */
    public record Opening(
            boolean hasFactors,
            String requirement,
            Challenge challenge,
            String phoneMasked,
            List<Instant> window,
            List<Factor> totpFactors) {}

    /**
     * $1 user, $2 org, $3 now, $4 challenge id, $5 window start (exclusive), $6 challenges admitted per window,
     * $7 expiry. The offered methods are in {@code Method}'s order: TOTP, SMS (the newest SMS factor's masked phone),
     * RECOVERY_CODE while the user's code is unused.
     */
    static final String OPEN = "with f as ("
            + "  select factor_id, org_id, method, phone_masked, secret_enc, last_used_step, totp_algorithm, "
            + "    totp_digits, totp_period, enrolled_at from factor where user_id = $1), "
            + "offer as (select exists (select 1 from f) as has_factors, "
            + "  (select phone_masked from f where method = 'SMS' order by enrolled_at desc limit 1) as phone_masked, "
            + "  concat_ws(',', "
            + "    case when exists (select 1 from f where method = 'TOTP') then 'TOTP' end, "
            + "    case when exists (select 1 from f where method = 'SMS') then 'SMS' end, "
            + "    case when exists (select 1 from recovery_code where user_id = $1 and used_at is null) "
            + "      then 'RECOVERY_CODE' end) as methods), "
            // A limit below 1 admits nothing (and writes nothing): the insert path would admit without counting.
            + "state as (insert into user_state as u (user_id, org_id, requirement, consecutive_failures, updated_at, "
            + "    challenge_window, last_challenge_id) "
            + "  select $1, $2, 'NOT_REQUIRED', 0, $3::timestamptz, array[$3::timestamptz], $4::uuid "
            + "  from offer where has_factors and $6::int > 0 "
            + "  on conflict (user_id) do update set (challenge_window, last_challenge_id) = ("
            + "    select case when k.n < $6::int then k.w || $3::timestamptz else k.w end, "
            + "      case when k.n < $6::int then $4::uuid else u.last_challenge_id end "
            + "    from (select count(*) as n, coalesce(array_agg(t order by t), '{}') as w "
            + "      from unnest(u.challenge_window) as t where t > $5::timestamptz) k) "
            + "  returning challenge_window, last_challenge_id), "
            + "opened as (insert into challenge (challenge_id, user_id, org_id, methods, created_at, expires_at) "
            + "  select $4::uuid, $1, $2, o.methods, $3::timestamptz, $7::timestamptz "
            + "  from offer o join state s on s.last_challenge_id = $4::uuid "
            + "  returning challenge_id, methods) "
            + "select o.has_factors, o.phone_masked, r.requirement, s.challenge_window, c.methods, "
            + "  f.factor_id, f.org_id, f.secret_enc, f.last_used_step, f.totp_algorithm, f.totp_digits, f.totp_period "
            + "from offer o "
            + "left join state s on true "
            + "left join opened c on true "
            // The snapshot's row, for the requirement only (the row this statement may insert is not visible).
            + "left join user_state r on r.user_id = $1 "
            + "left join f on f.method = 'TOTP' "
            + "order by f.enrolled_at desc";

    private final Pool pool;

    public ChallengeOpeningRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Opens challenge {@code challengeId} for the user if they have factors and fewer than {@code maxPerWindow}
     * challenges were opened after {@code windowStart}; see the class comment for why that count is exact.
     */
    public Uni<Opening> open(
            String userId,
            String orgId,
            UUID challengeId,
            Instant now,
            Instant expiresAt,
            Instant windowStart,
            int maxPerWindow) {
        Tuple args = Tuple.from(
                List.of(userId, orgId, utc(now), challengeId, utc(windowStart), maxPerWindow, utc(expiresAt)));
        return pool.preparedQuery(OPEN)
                .execute(args)
                .map(rows -> opening(rows, userId, orgId, challengeId, now, expiresAt));
    }

    private static Opening opening(
            RowSet<Row> rows, String userId, String orgId, UUID challengeId, Instant now, Instant expiresAt) {
        Row first = rows.iterator().next();
        Challenge challenge = null;
        String methods = first.getString("methods");
        if (methods != null) {
            challenge = new Challenge();
            challenge.challengeId = challengeId;
            challenge.userId = userId;
            challenge.orgId = orgId;
            challenge.methods = methods;
            challenge.createdAt = now;
            challenge.expiresAt = expiresAt;
        }
        OffsetDateTime[] window = first.getArrayOfOffsetDateTimes("challenge_window");
        List<Factor> totp = new ArrayList<>();
        for (Row r : rows) {
            if (r.getUUID("factor_id") != null) {
                totp.add(VerificationRepository.totpFactor(r, userId, r.getString("org_id")));
            }
        }
        return new Opening(
                first.getBoolean("has_factors"),
                first.getString("requirement"),
                challenge,
                first.getString("phone_masked"),
                window == null
                        ? List.of()
                        : Arrays.stream(window).map(OffsetDateTime::toInstant).toList(),
                List.copyOf(totp));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
