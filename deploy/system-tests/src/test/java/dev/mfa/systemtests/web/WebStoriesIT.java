package dev.mfa.systemtests.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.mfa.core.otp.OtpAuthUri;
import dev.mfa.systemtests.support.Phones;
import dev.mfa.systemtests.support.Platform;
import dev.mfa.systemtests.support.Stub;
import dev.mfa.systemtests.support.SystemTest;
import dev.mfa.systemtests.support.TotpDevice;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web app's stories through the pages only, in a real Chromium, against the edge and the four services on the
 * local stack. They use the seed org {@code globex} (no other system test touches it): its admin turns MFA on, then
 * dave, erin, frank and peter meet the pages.
 */
@SystemTest
@ExtendWith(CaptureOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Web app stories (Chromium)")
class WebStoriesIT {

    private static Browser browser;
    private static TotpDevice davesPhone;
    private static String davesRecoveryCode;
    private static String davesLastCode;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    private static Path screenshots() {
        return Platform.get().root().resolve("docs/screenshots");
    }

    // ------------------------------------------------------------------------------------------ stories

    @Test
    @Order(1)
    @DisplayName("an org admin turns MFA on with a deadline 30 days ahead")
    void adminEnablesMfaWithDeadline() {
        signIn("globex-admin", "globex-admin-pw");
        browser.awaitUrl("/account.html");
        browser.await(By.linkText("MFA for your organization")).click();
        browser.awaitUrl("/org.html");
        browser.awaitText(By.id("policy-state"), "MFA is off");
        WebElement enabled = browser.await(By.id("enabled"));
        if (!enabled.isSelected()) {
            enabled.click();
        }
        typeDate("deadline", LocalDate.now(ZoneOffset.UTC).plusDays(30));
        for (String id : List.of("m-totp", "m-sms")) {
            WebElement box = browser.driver().findElement(By.id(id));
            if (!box.isSelected()) {
                box.click();
            }
        }
        browser.driver().findElement(By.id("save-policy")).click();
        browser.awaitText(By.id("policy-saved"), "Policy saved");
        browser.awaitText(By.id("policy-state"), "Early enrollment");
        browser.awaitText(By.id("report-summary"), "enrolled");
        browser.screenshot(screenshots().resolve("org-policy.png"));
        signOut();
    }

    @Test
    @Order(2)
    @DisplayName("a user enrolls the authenticator app, saves the recovery code, signs out and in with a code")
    void userEnrollsAuthenticatorApp() throws Exception {
        signIn("dave", "dave-pw");
        browser.awaitUrl("/account.html");
        browser.awaitText(By.id("status-text"), "days left");
        browser.screenshot(screenshots().resolve("account-status.png"));

        browser.await(By.id("add-totp")).click();
        confirmPassword("dave-pw");
        WebElement qr = browser.await(By.id("qr"));
        OtpAuthUri key = OtpAuthUri.parse(decodeQr(qr.getDomAttribute("src")));
        String manual = browser.driver().findElement(By.id("manual-key")).getText();
        assertThat(manual.replace(" ", "")).isEqualTo(key.secret());
        assertThat(manual.split(" "))
                .allSatisfy(group -> assertThat(group.length()).isLessThanOrEqualTo(4));
        browser.screenshot(screenshots().resolve("authenticator-app.png"));
        davesPhone = new TotpDevice(key);
        browser.driver().findElement(By.id("totp-code")).sendKeys(davesPhone.currentCode());
        browser.driver().findElement(By.id("totp-confirm")).click();

        davesRecoveryCode = saveRecoveryCode();
        browser.awaitText(By.id("factors"), "Authenticator app");

        signOut();
        signIn("dave", "dave-pw");
        browser.awaitUrl("/verify.html");
        browser.awaitText(By.id("method-title"), "Authenticator app");
        browser.screenshot(screenshots().resolve("second-step.png"));
        davesLastCode = davesPhone.nextCode();
        browser.driver().findElement(By.id("code")).sendKeys(davesLastCode);
        browser.driver().findElement(By.id("verify")).click();
        browser.awaitUrl("/account.html");
        browser.awaitText(By.id("status-text"), "MFA is on");
        signOut();
    }

    @Test
    @Order(3)
    @DisplayName("the same code is refused at the next sign-in")
    void sameCodeRefused() {
        signIn("dave", "dave-pw");
        browser.awaitUrl("/verify.html");
        browser.await(By.id("code")).sendKeys(davesLastCode);
        browser.driver().findElement(By.id("verify")).click();
        browser.awaitText(By.id("verify-error"), "That code did not work");
        assertThat(browser.driver().getCurrentUrl()).contains("/verify.html");
        // No second sign-in with a fresh code here: each sign-in spends a TOTP step, so it would wait up to 30 s for
        // the next one; the previous story signed in with a code already.
        signOut();
    }

    @Test
    @Order(4)
    @DisplayName("lost device: sign in with the recovery code, then get a new one")
    void lostDeviceRecoveryCode() {
        signIn("dave", "dave-pw");
        browser.awaitUrl("/verify.html");
        browser.await(By.id("other-methods")).click();
        browser.await(By.cssSelector("#methods button[data-method=RECOVERY_CODE]"))
                .click();
        browser.awaitText(By.id("method-title"), "Recovery code");
        browser.driver().findElement(By.id("code")).sendKeys(davesRecoveryCode);
        browser.driver().findElement(By.id("verify")).click();
        browser.awaitUrl("/account.html");
        browser.await(By.id("recovery-notice"));
        browser.awaitText(By.id("rcode-text"), "no longer works");
        browser.driver().findElement(By.id("new-code")).click();
        confirmPassword("dave-pw");
        String fresh = saveRecoveryCode();
        assertThat(fresh).isNotEqualTo(davesRecoveryCode);
        browser.awaitText(By.id("rcode-text"), "You have a recovery code");
        signOut();
    }

    @Test
    @Order(5)
    @DisplayName("SMS enrollment: a bad number shows the API problem, then a code through the Vonage stub")
    void smsEnrollmentAndApiError() {
        signIn("erin", "erin-pw");
        browser.awaitUrl("/account.html");
        browser.await(By.id("add-sms")).click();
        Select country = new Select(browser.await(By.id("sms-country")));
        assertThat(country.getOptions()).hasSizeGreaterThan(1);
        country.selectByValue("US");
        browser.driver().findElement(By.id("sms-phone")).sendKeys("123");
        browser.driver().findElement(By.id("sms-send")).click();
        confirmPassword("erin-pw");
        // The API's problem (422) is shown with its title, never a blank screen.
        WebElement error = browser.await(By.id("sms-error"));
        assertThat(error.findElement(By.tagName("strong")).getText()).isNotBlank();
        browser.screenshot(screenshots().resolve("api-error.png"));

        Phones.Phone phone = Phones.next("US");
        WebElement number = browser.driver().findElement(By.id("sms-phone"));
        number.clear();
        number.sendKeys(phone.national());
        browser.driver().findElement(By.id("sms-send")).click();
        if (browser.awaitEither(By.id("sms-sent-to"), By.id("reauth-password")).equals(By.id("reauth-password"))) {
            confirmPassword("erin-pw");
        }
        browser.awaitText(By.id("sms-sent-to"), "We sent a code");
        String code = Stub.awaitCode(phone.e164(), 1, Duration.ofSeconds(60));
        browser.driver().findElement(By.id("sms-code")).sendKeys(code);
        browser.driver().findElement(By.id("sms-confirm")).click();
        saveRecoveryCode();
        browser.awaitText(By.id("factors"), "Text message");
        signOut();
    }

    @Test
    @Order(6)
    @DisplayName("a payee sees only the United States, with the reason")
    void payeeSeesOnlyUnitedStates() {
        signIn("peter", "peter-pw");
        browser.awaitUrl("/account.html");
        browser.awaitText(By.id("status-text"), "required");
        browser.await(By.id("add-sms")).click();
        Select country = new Select(browser.await(By.id("sms-country")));
        assertThat(country.getOptions()).hasSize(1);
        assertThat(country.getOptions().get(0).getDomAttribute("value")).isEqualTo("US");
        assertThat(browser.await(By.id("sms-country-note")).getText()).contains("payees");
        signOut();
    }

    @Test
    @Order(7)
    @DisplayName("a keyboard-only enrollment of the authenticator app")
    void keyboardOnlyEnrollment() throws Exception {
        browser.open("/login");
        browser.awaitUrl("/login");
        WebElement user = browser.await(By.id("userId"));
        assertThat(browser.active()).isEqualTo(user);
        browser.active().sendKeys("frank", Keys.TAB);
        browser.active().sendKeys("frank-pw", Keys.ENTER);
        browser.awaitUrl("/account.html");
        browser.await(By.id("add-totp"));
        tabTo("add-totp", 30).sendKeys(Keys.ENTER);
        WebElement pw = browser.await(By.id("reauth-password"));
        assertThat(browser.active()).isEqualTo(pw);
        browser.active().sendKeys("frank-pw", Keys.ENTER);
        WebElement qr = browser.await(By.id("qr"));
        TotpDevice phone = new TotpDevice(OtpAuthUri.parse(decodeQr(qr.getDomAttribute("src"))));
        browser.await(By.id("totp-code"));
        assertThat(browser.active().getDomAttribute("id")).isEqualTo("totp-code");
        browser.active().sendKeys(phone.currentCode(), Keys.ENTER);
        browser.await(By.id("recovery-code"));
        assertThat(browser.active().getDomAttribute("id")).isEqualTo("copy-code");
        tabTo("saved-it", 5).sendKeys(Keys.SPACE);
        tabTo("recovery-done", 3).sendKeys(Keys.ENTER);
        browser.awaitText(By.id("factors"), "Authenticator app");
        assertThat(browser.driver().findElement(By.id("recovery")).isDisplayed())
                .isFalse();
        signOut();
    }

    @Test
    @Order(8)
    @DisplayName("admin previews, exempts a user, sees the audit")
    void adminPreviewsExemptsAndSeesTheAudit() {
        signIn("globex-admin", "globex-admin-pw");
        browser.awaitUrl("/account.html");
        browser.await(By.linkText("MFA for your organization")).click();
        browser.awaitUrl("/org.html");
        browser.awaitText(By.id("policy-state"), "Early enrollment");

        // Preview the policy as it stands: dave, erin and frank have a factor; the admin and peter do not.
        browser.await(By.id("preview-policy")).click();
        browser.await(By.id("preview"));
        assertThat(browser.driver().findElement(By.id("pv-payees")).getText()).isEqualTo("2");
        assertThat(browser.driver().findElement(By.id("pv-exempt")).getText()).isEqualTo("0");
        assertThat(browser.driver().findElement(By.id("pv-without")).getText()).isEqualTo("2");
        assertThat(browser.driver().findElement(By.id("pv-sample")).getText())
                .contains("globex-admin", "peter")
                .doesNotContain("erin");
        // Any edit makes the preview stale, so it goes away.
        browser.driver().findElement(By.id("m-sms")).click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                .until(d -> !d.findElement(By.id("preview")).isDisplayed());
        browser.driver().findElement(By.id("m-sms")).click();

        // Exempt erin from her row; 100 days is refused by the API and its problem is shown.
        browser.await(By.cssSelector("#report-rows button[data-exempt=erin]")).click();
        assertThat(browser.active().getDomAttribute("id")).isEqualTo("ex-until");
        assertThat(browser.driver().findElement(By.id("ex-user")).getDomProperty("value"))
                .isEqualTo("erin");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        typeDate("ex-until", today.plusDays(100));
        browser.driver().findElement(By.id("ex-reason")).sendKeys("Travelling without her phone");
        browser.driver().findElement(By.id("grant-exemption")).click();
        WebElement error = browser.awaitText(By.id("exempt-error"), "90 days");
        assertThat(error.findElement(By.tagName("strong")).getText()).isNotBlank();
        typeDate("ex-until", today.plusDays(20));
        browser.driver().findElement(By.id("grant-exemption")).click();
        browser.awaitText(By.id("exempt-done"), "erin is exempt until " + today.plusDays(20));
        assertThat(browser.driver().findElement(By.id("exempt-error")).isDisplayed())
                .isFalse();

        // The audit, newest first, shows the grant with its actor; filtered to erin it shows only her entries.
        browser.awaitText(By.cssSelector("#audit-rows tr:first-child"), "exemption-granted");
        List<WebElement> first = browser.driver().findElements(By.cssSelector("#audit-rows tr:first-child td"));
        assertThat(first.get(2).getText()).isEqualTo("globex-admin");
        assertThat(first.get(3).getText()).isEqualTo("erin");
        assertThat(first.get(4).getText()).contains("Travelling without her phone");
        browser.script("document.getElementById('exempt-title').scrollIntoView()");
        browser.screenshot(screenshots().resolve("org-exemptions-audit.png"));
        browser.driver().findElement(By.id("audit-user")).sendKeys("erin", Keys.ENTER);
        // Waits for the filtered list: every row's user is erin (the unfiltered one has the admin's policy change).
        new WebDriverWait(browser.driver(), Duration.ofSeconds(30))
                .ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElements(By.cssSelector("#audit-rows td:nth-child(4)")).stream()
                        .allMatch(td -> td.getText().equals("erin")));
        assertThat(browser.driver().findElements(By.cssSelector("#audit-rows tr")))
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(browser.driver().findElement(By.id("audit-rows")).getText())
                .contains("factor-enrolled")
                .contains("exemption-granted");

        // Removing the exemption is recorded too, on top.
        browser.driver().findElement(By.id("remove-exemption")).click();
        browser.awaitText(By.id("exempt-done"), "erin has no exemption now");
        browser.awaitText(By.cssSelector("#audit-rows tr:first-child"), "exemption-revoked");
        signOut();
    }

    // ------------------------------------------------------------------------------------------ steps

    /** Types a date into a date field as a keyboard user would; another locale's field order gets it set directly. */
    private static void typeDate(String id, LocalDate day) {
        WebElement date = browser.driver().findElement(By.id(id));
        browser.script("arguments[0].focus()", date);
        // Chromium's date field in en-US takes the digits month, day, year.
        browser.active()
                .sendKeys(String.format("%02d%02d%04d", day.getMonthValue(), day.getDayOfMonth(), day.getYear()));
        if (!day.toString().equals(date.getDomProperty("value"))) {
            browser.script(
                    "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))",
                    date,
                    day.toString());
        }
        assertThat(date.getDomProperty("value")).isEqualTo(day.toString());
    }

    private static void signIn(String user, String password) {
        browser.open("/login");
        browser.await(By.id("userId")).sendKeys(user);
        browser.driver().findElement(By.id("password")).sendKeys(password);
        if (user.equals("globex-admin")) {
            browser.screenshot(screenshots().resolve("login.png"));
        }
        browser.driver().findElement(By.id("sign-in")).click();
    }

    private static void signOut() {
        browser.await(By.id("sign-out")).click();
        browser.awaitUrl("/login");
        browser.await(By.id("userId"));
    }

    private static void confirmPassword(String password) {
        browser.await(By.id("reauth-password")).sendKeys(password, Keys.ENTER);
    }

    /** Reads the recovery code shown once, ticks "I saved it" and closes it. */
    private static String saveRecoveryCode() {
        String code = browser.await(By.id("recovery-code")).getText();
        assertThat(code).isNotBlank();
        WebElement done = browser.driver().findElement(By.id("recovery-done"));
        assertThat(done.isEnabled()).isFalse();
        if (!java.nio.file.Files.exists(screenshots().resolve("recovery-code.png"))) {
            browser.screenshot(screenshots().resolve("recovery-code.png"));
        }
        browser.driver().findElement(By.id("saved-it")).click();
        done.click();
        return code;
    }

    /** Presses Tab until the element with this id has the focus. */
    private static WebElement tabTo(String id, int maxTabs) {
        for (int i = 0; i < maxTabs; i++) {
            if (id.equals(browser.active().getDomAttribute("id"))) {
                return browser.active();
            }
            browser.active().sendKeys(Keys.TAB);
        }
        assertThat(browser.active().getDomAttribute("id")).as("focus after Tab").isEqualTo(id);
        return browser.active();
    }

    /** Scans the QR image of the page as a phone would: the data URI's PNG, decoded with zxing. */
    static String decodeQr(String dataUri) throws Exception {
        assertThat(dataUri).startsWith("data:image/png;base64,");
        byte[] png = Base64.getDecoder().decode(dataUri.substring("data:image/png;base64,".length()));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
        return new QRCodeReader()
                .decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE))
                .getText();
    }
}
