package dev.mfa.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OtpAuthUriTest {

    private static final byte[] SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final String SECRET_B32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    private static OtpAuthUri.Builder acme() {
        return OtpAuthUri.builder().issuer("Acme").account("alice@example.com").secret(SECRET);
    }

    @Test
    void buildsKeyUriWithDefaults() {
        assertThat(acme().buildUri())
                .isEqualTo("otpauth://totp/Acme:alice@example.com?secret=" + SECRET_B32
                        + "&issuer=Acme&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void buildsNonDefaultParameters() {
        String uri = acme().algorithm(OtpAlgorithm.SHA512).digits(8).period(60).buildUri();
        assertThat(uri).endsWith("&algorithm=SHA512&digits=8&period=60");
        String fromParams = acme().parameters(new TotpParameters(OtpAlgorithm.SHA256, 7, 45, 2))
                .buildUri();
        assertThat(fromParams).endsWith("&algorithm=SHA256&digits=7&period=45");
    }

    @Test
    void percentEncodesSpacesAsPercent20NotPlus() {
        String uri = OtpAuthUri.builder()
                .issuer("Acme Corp")
                .account("Alice Smith")
                .secret(SECRET)
                .buildUri();
        assertThat(uri)
                .startsWith("otpauth://totp/Acme%20Corp:Alice%20Smith?")
                .contains("&issuer=Acme%20Corp&")
                .doesNotContain("+")
                .doesNotContain(" ");
    }

    @Test
    void percentEncodesReservedAndNonAsciiCharacters() {
        String uri = OtpAuthUri.builder()
                .issuer("Zürich & Co/?#")
                .account("bob+mfa@example.com")
                .secret(SECRET)
                .buildUri();
        assertThat(uri)
                .startsWith("otpauth://totp/Z%C3%BCrich%20%26%20Co%2F%3F%23:bob%2Bmfa@example.com?")
                .contains("&issuer=Z%C3%BCrich%20%26%20Co%2F%3F%23&");
        // Still one syntactically valid URI whose parts decode back.
        URI parsed = URI.create(uri);
        assertThat(parsed.getScheme()).isEqualTo("otpauth");
        assertThat(parsed.getHost()).isEqualTo("totp");
        assertThat(parsed.getPath()).isEqualTo("/Zürich & Co/?#:bob+mfa@example.com");
    }

    @Test
    void issuerInLabelAndParameterAreEqual() {
        OtpAuthUri key = OtpAuthUri.parse(OtpAuthUri.builder()
                .issuer("Big Bank")
                .account("a")
                .secret(SECRET)
                .buildUri());
        assertThat(key.issuer()).isEqualTo("Big Bank");
        String uri = key.uri();
        String labelIssuer = uri.substring("otpauth://totp/".length(), uri.indexOf(':', "otpauth://".length()));
        String paramIssuer = uri.replaceAll(".*[?&]issuer=([^&]*).*", "$1");
        assertThat(labelIssuer).isEqualTo(paramIssuer).isEqualTo("Big%20Bank");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Acme:Corp", ":", "Acme:"})
    void refusesColonInIssuer(String issuer) {
        assertThatThrownBy(() -> OtpAuthUri.builder()
                        .issuer(issuer)
                        .account("alice")
                        .secret(SECRET)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("issuer must not contain ':'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice:admin", "urn:user:1"})
    void refusesColonInAccount(String account) {
        assertThatThrownBy(() -> OtpAuthUri.builder()
                        .issuer("Acme")
                        .account(account)
                        .secret(SECRET)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("account must not contain ':'");
    }

    @Test
    void refusesMissingOrBlankParts() {
        assertThatThrownBy(
                        () -> OtpAuthUri.builder().issuer("Acme").secret(SECRET).build())
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> OtpAuthUri.builder()
                        .issuer("Acme")
                        .account(" ")
                        .secret(SECRET)
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OtpAuthUri.builder()
                        .issuer("")
                        .account("a")
                        .secret(SECRET)
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> OtpAuthUri.builder().issuer("Acme").account("a").build())
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> OtpAuthUri.builder()
                        .issuer("Acme")
                        .account("a")
                        .secret(new byte[0])
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> acme().digits(9).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> acme().period(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> acme().algorithm(null).build()).isInstanceOf(NullPointerException.class);
    }

    @Test
    void withoutIssuerTheLabelIsTheAccount() {
        String uri = OtpAuthUri.builder().account("alice").secret(SECRET).buildUri();
        assertThat(uri).startsWith("otpauth://totp/alice?secret=").doesNotContain("issuer=");
        assertThat(OtpAuthUri.parse(uri).issuer()).isNull();
    }

    @Test
    void roundTrips() {
        OtpAuthUri original = OtpAuthUri.builder()
                .issuer("Zürich Bank")
                .account("bob+mfa@example.com")
                .secret(SECRET)
                .algorithm(OtpAlgorithm.SHA256)
                .digits(8)
                .period(60)
                .build();
        OtpAuthUri parsed = OtpAuthUri.parse(original.uri());

        assertThat(parsed).isEqualTo(original);
        assertThat(parsed.issuer()).isEqualTo("Zürich Bank");
        assertThat(parsed.account()).isEqualTo("bob+mfa@example.com");
        assertThat(parsed.secret()).isEqualTo(SECRET_B32);
        assertThat(parsed.secretBytes()).isEqualTo(SECRET);
        assertThat(parsed.algorithm()).isEqualTo(OtpAlgorithm.SHA256);
        assertThat(parsed.digits()).isEqualTo(8);
        assertThat(parsed.period()).isEqualTo(60);
        assertThat(parsed.totpParameters()).isEqualTo(new TotpParameters(OtpAlgorithm.SHA256, 8, 60, 1));
    }

    @Test
    void parsesDefaultsAndLenientForms() {
        OtpAuthUri key = OtpAuthUri.parse("otpauth://totp/Example%3A%20alice@google.com?secret=jbsw y3dp ehpk 3pxp");
        assertThat(key.issuer()).isEqualTo("Example");
        assertThat(key.account()).isEqualTo("alice@google.com");
        assertThat(key.secret()).isEqualTo("JBSWY3DPEHPK3PXP");
        assertThat(key.algorithm()).isEqualTo(OtpAlgorithm.SHA1);
        assertThat(key.digits()).isEqualTo(6);
        assertThat(key.period()).isEqualTo(30);

        OtpAuthUri upper = OtpAuthUri.parse("OTPAUTH://TOTP/alice?SECRET=JBSWY3DPEHPK3PXP&ISSUER=Example&image=x#frag");
        assertThat(upper.issuer()).isEqualTo("Example");
        assertThat(upper.account()).isEqualTo("alice");
    }

    @Test
    void parseKeepsPlusLiteral() {
        OtpAuthUri key = OtpAuthUri.parse("otpauth://totp/A:b+c@example.com?secret=" + SECRET_B32 + "&issuer=A");
        assertThat(key.account()).isEqualTo("b+c@example.com");
    }

    @Test
    void parseRefusesInvalidUris() {
        String s = "secret=" + SECRET_B32;
        assertRefused("https://totp/A:b?" + s, "Not an otpauth://totp/ URI");
        assertRefused("otpauth://hotp/A:b?" + s + "&counter=0", "Not an otpauth://totp/ URI");
        assertRefused("otpauth://totp/A:b?issuer=A", "no secret");
        assertRefused("otpauth://totp/A:b?secret=", "no secret");
        assertRefused("otpauth://totp/A:b?" + s + "&issuer=B", "differs");
        assertRefused("otpauth://totp/A:b:c?" + s, "must not contain ':'");
        assertRefused("otpauth://totp/A:b%3Ac?" + s, "must not contain ':'");
        assertRefused("otpauth://totp/A:b?" + s + "&digits=x", "digits");
        assertRefused("otpauth://totp/A:b?" + s + "&digits=-6", "digits");
        assertRefused("otpauth://totp/A:b?" + s + "&digits=5", "between 6 and 8");
        assertRefused("otpauth://totp/A:b?" + s + "&period=99999999999", "period");
        assertRefused("otpauth://totp/A:b?" + s + "&algorithm=MD5", "Unsupported OTP algorithm");
        assertRefused("otpauth://totp/A:b?" + s + "&" + s, "repeats parameter 'secret'");
        assertRefused("otpauth://totp/A:b%?" + s, "incomplete %-escape");
        assertRefused("otpauth://totp/A:b?" + s + "&issuer=A%4", "incomplete %-escape");
        assertRefused("otpauth://totp/A%zz:b?" + s, "invalid %-escape");
        assertRefused("otpauth://totp/A%C3:b?" + s, "not valid UTF-8");
        assertRefused("otpauth://totp/:b?" + s, "issuer must not be blank");
        assertRefused("otpauth://totp/?" + s, "account must not be blank");
    }

    @Test
    void parseErrorsDoNotEchoTheSecret() {
        assertThatThrownBy(() -> OtpAuthUri.parse("otpauth://totp/A:b?secret=GEZDGNBVGY3TQOJ1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("GEZDGNBV");
        assertThatThrownBy(() -> OtpAuthUri.parse("otpauth://totp/A:b?secret=GEZDGNBVGY3TQOJQ&issuer=B"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("GEZDGNBV");
    }

    @Test
    void toStringHidesSecret() {
        OtpAuthUri key = acme().build();
        assertThat(key.toString())
                .doesNotContain(SECRET_B32)
                .contains("secret=***")
                .contains("Acme");
    }

    @Test
    void secretIsCanonicalised() {
        OtpAuthUri key = OtpAuthUri.builder()
                .issuer("A")
                .account("b")
                .secretBase32("gezd gnbv gy3t qojq")
                .build();
        assertThat(key.secret()).isEqualTo("GEZDGNBVGY3TQOJQ");
        OtpAuthUri padded = OtpAuthUri.builder()
                .issuer("A")
                .account("b")
                .secretBase32("my======")
                .build();
        assertThat(padded.secret()).isEqualTo("MY");
        assertThatThrownBy(() -> OtpAuthUri.builder()
                        .issuer("A")
                        .account("b")
                        .secretBase32("MY=")
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRefused(String uri, String messagePart) {
        assertThatThrownBy(() -> OtpAuthUri.parse(uri))
                .as(uri)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(messagePart);
    }
}
