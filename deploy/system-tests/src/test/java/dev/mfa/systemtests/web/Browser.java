package dev.mfa.systemtests.web;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium (Debian's chromium and chromium-driver, paths given explicitly, Selenium Manager off) driven
 * against the web edge on {@code http://localhost:8080}. Missing browser or driver: the test fails, never skips.
 */
public final class Browser implements AutoCloseable {

    public static final String BASE = "http://localhost:8080";
    static final Duration WAIT = Duration.ofSeconds(30);

    private static volatile Browser current;

    private final ChromeDriver driver;
    private final Path failures;

    private Browser(ChromeDriver driver, Path failures) {
        this.driver = driver;
        this.failures = failures;
    }

    public static Browser start() {
        System.setProperty("SE_OFFLINE", "true");
        String binary = System.getProperty("web.chromium", "/usr/bin/chromium");
        String driverPath = System.getProperty("web.chromedriver", "/usr/bin/chromedriver");
        if (!Files.isExecutable(Path.of(binary)) || !Files.isExecutable(Path.of(driverPath))) {
            throw new AssertionError("the browser tests need Debian's chromium and chromium-driver (" + binary + ", "
                    + driverPath + "): apt-get install -y chromium chromium-driver");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1280,1000",
                "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driverPath))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1280, 1000));
        Path out = Path.of(System.getProperty("mfa.system-tests.output", "target/system-tests"))
                .resolve("web");
        Browser b = new Browser(driver, out);
        current = b;
        return b;
    }

    static Browser current() {
        return current;
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String path) {
        driver.get(BASE + path);
    }

    public WebElement await(By by) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public WebElement awaitText(By by, String text) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
        return driver.findElement(by);
    }

    /** Waits until one of the two is visible; answers which. */
    public By awaitEither(By first, By second) {
        new WebDriverWait(driver, WAIT)
                .until(ExpectedConditions.or(
                        ExpectedConditions.visibilityOfElementLocated(first),
                        ExpectedConditions.visibilityOfElementLocated(second)));
        return driver.findElements(first).stream().anyMatch(WebElement::isDisplayed) ? first : second;
    }

    public void awaitUrl(String fragment) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.urlContains(fragment));
    }

    public WebElement active() {
        return driver.switchTo().activeElement();
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** A screenshot of the page as it is now, for docs/screenshots/. */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Screenshot and page source under target/ (called when a test fails). */
    void captureFailure(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]+", "_");
        try {
            Files.createDirectories(failures);
            Files.write(failures.resolve(safe + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            Files.writeString(failures.resolve(safe + ".html"), driver.getPageSource(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            System.err.println("browser tests: could not save the failure of " + name + ": " + e);
        }
    }

    @Override
    public void close() {
        if (current == this) {
            current = null;
        }
        driver.quit();
    }
}
