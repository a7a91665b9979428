// Seeds N enrolled TOTP users straight into verification-service's database (its projection of mfa.factors and
// mfa.user-requirements: one `factor` row with the secret sealed as the service seals it, one `user_state` row with
// requirement REQUIRED) with one COPY per table, and writes the load driver's users file: userId,token,secret.
// Tokens are RS256 access tokens signed with the LOCAL DEV key (as deploy/local/token.sh mints them).
//
// Run by deploy/bench/seed.sh with verification-service's quarkus-app on the class path (FieldKeys, Factor, the
// PostgreSQL JDBC driver). Users are named bench-<i> in org "bench"; earlier bench rows are replaced.
import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.KeyPurpose;
import dev.mfa.verification.domain.Factor;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.postgresql.PGConnection;

public class Seed {
    private static final String ABC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        Path out = Path.of(a[1]);
        String jdbc = a[2];
        String totpKeys = a[3]; // the service's mfa.crypto.totp-keys (local profile)
        PrivateKey key = readKey(Path.of(a[4]));
        long ttl = Long.parseLong(a.length > 5 ? a[5] : "21600");
        FieldKeys keys = FieldKeys.fromSpecs(Map.of(KeyPurpose.TOTP, Optional.of(totpKeys)), Optional.empty());
        SecureRandom random = new SecureRandom();
        long now = Instant.now().getEpochSecond();
        String[] factors = new String[n], states = new String[n], users = new String[n];
        String enrolled = Instant.ofEpochSecond(now).toString();
        // RSA signing dominates (about 1-2 ms each): all cores.
        IntStream.range(0, n).parallel().forEach(i -> {
            String id = "bench-" + i;
            byte[] secret = new byte[20];
            random.nextBytes(secret);
            String b32 = base32(secret);
            UUID factorId = UUID.randomUUID();
            factors[i] = factorId + "\t" + id + "\tbench\tTOTP\tbench\t"
                    + Factor.sealSecret(keys, id, factorId, b32) + "\t" + enrolled + "\n";
            states[i] = id + "\tbench\tREQUIRED\t0\t" + enrolled + "\n";
            users[i] = id + "," + token(key, id, now, ttl) + ",b32:" + b32 + "\n";
        });
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("delete from factor where org_id = 'bench'");
            s.execute("delete from user_state where org_id = 'bench'");
            s.execute("delete from challenge where org_id = 'bench'");
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn("copy factor (factor_id, user_id, org_id, method, label, secret_enc, enrolled_at) from stdin",
                    new StringReader(String.join("", factors)));
            copy.copyIn("copy user_state (user_id, org_id, requirement, consecutive_failures, updated_at) from stdin",
                    new StringReader(String.join("", states)));
            c.commit();
            s.execute("analyze factor");
            s.execute("analyze user_state");
        }
        Files.writeString(out, "userId,token,secret\n" + String.join("", users), StandardCharsets.UTF_8);
        System.out.println("seeded " + n + " TOTP users (org bench) into " + jdbc + "; users file " + out);
    }

    static String token(PrivateKey key, String sub, long now, long ttl) {
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String payload = "{\"iss\":\"https://mfa.local/dev\",\"sub\":\"" + sub + "\",\"upn\":\"" + sub
                + "\",\"org\":\"bench\",\"groups\":[\"user\"],\"aud\":\"mfa-api\",\"iat\":" + now + ",\"exp\":"
                + (now + ttl) + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(key);
            sig.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64.encodeToString(sig.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static PrivateKey readKey(Path pem) throws Exception {
        String b64 = Files.readString(pem, StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----|\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    static String base32(byte[] b) {
        StringBuilder sb = new StringBuilder();
        int buf = 0, bits = 0;
        for (byte x : b) {
            buf = (buf << 8) | (x & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(ABC.charAt((buf >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(ABC.charAt((buf << (5 - bits)) & 31));
        }
        return sb.toString();
    }
}
