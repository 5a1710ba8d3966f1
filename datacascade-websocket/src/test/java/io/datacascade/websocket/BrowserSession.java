package io.datacascade.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.remote.service.DriverService;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium (the Debian packages {@code chromium} and {@code chromium-driver}) driven
 * by Selenium for the dashboard's browser tests: fixed binaries so Selenium Manager never runs, a
 * throw-away profile, console and CSP-violation capture, JS-polling waits and screenshots.
 */
public final class BrowserSession implements AutoCloseable {

    static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    static final File CHROMIUM = new File("/usr/bin/chromium");
    static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    static final int WIDTH = 1280;
    static final int HEIGHT = 720;

    /** Installed into every document before its own scripts: records CSP violations the page hits. */
    private static final String CSP_PROBE = "window.__cspViolations = [];"
            + "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
            + "e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));";

    // Strong references: java.util.logging keeps loggers only weakly.
    private static final Logger DRIVER_FINDER_LOG = Logger.getLogger("org.openqa.selenium.remote.service.DriverFinder");
    private static final Logger SELENIUM_MANAGER_LOG = Logger.getLogger("org.openqa.selenium.manager.SeleniumManager");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;
    private final List<String> driverLookup;

    private BrowserSession(ChromeDriverService service, ChromeDriver driver, Path profile, List<String> driverLookup) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
        this.driverLookup = driverLookup;
    }

    /**
     * Why the browser tests cannot run here (Chromium or chromedriver missing), or null when they
     * can. On CI ({@code CI=true}) a missing browser fails instead of silently testing less.
     */
    public static String unavailable() {
        List<String> missing = new ArrayList<>();
        for (File f : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!f.canExecute()) {
                missing.add(f.getPath());
            }
        }
        if (missing.isEmpty()) {
            return null;
        }
        String what = "the dashboard's browser tests need " + String.join(" and ", missing)
                + " (Debian packages chromium and chromium-driver)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(what + ", which are missing. CI=true, so this fails instead of skipping: install them with "
                    + "'apt-get install chromium chromium-driver' in the CI image.");
        }
        return what + ", which are missing; skipped. Install them with 'apt-get install chromium chromium-driver'.";
    }

    /** Starts the browser; see {@link #unavailable()} first. */
    public static BrowserSession start() throws IOException {
        List<String> lookup = new ArrayList<>();
        Handler recorder = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (lookup) {
                    lookup.add(record.getLoggerName() + ": " + record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        recorder.setLevel(Level.ALL);
        for (Logger log : List.of(DRIVER_FINDER_LOG, SELENIUM_MANAGER_LOG)) {
            log.setLevel(Level.FINE);
            log.addHandler(recorder);
        }

        ChromeDriverService service = (ChromeDriverService) chromeDriverServiceBuilder()
                .usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort()
                .build();
        Path profile = Files.createTempDirectory("datacascade-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.getPath());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=" + WIDTH + "," + HEIGHT, "--user-data-dir=" + profile);
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException | Error e) {
            service.stop();
            deleteTree(profile);
            throw e;
        } finally {
            for (Logger log : List.of(DRIVER_FINDER_LOG, SELENIUM_MANAGER_LOG)) {
                log.removeHandler(recorder);
                log.setLevel(null);
            }
        }
        BrowserSession session = new BrowserSession(service, driver, profile, lookup);
        try {
            driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", CSP_PROBE));
            session.viewport(WIDTH, HEIGHT);
            // The console check below is only worth something if console output reaches us at all.
            driver.executeScript("console.error('datacascade console probe')");
            assertThat(session.consoleEntries()).as("console capture works")
                    .anyMatch(e -> e.getLevel() == Level.SEVERE && e.getMessage().contains("datacascade console probe"));
        } catch (RuntimeException | Error e) {
            session.close();
            throw e;
        }
        return session;
    }

    /**
     * {@code new ChromeDriverService.Builder()}, made reflectively: that class carries Google's
     * {@code @AutoService} annotation, which is not on the test classpath, and javac warns about
     * the missing annotation type on every direct reference to it, a warning no
     * {@code @SuppressWarnings} or {@code -Xlint} key turns off, and this build fails on warnings.
     */
    private static DriverService.Builder<?, ?> chromeDriverServiceBuilder() {
        try {
            return (DriverService.Builder<?, ?>) Class.forName(ChromeDriverService.class.getName() + "$Builder")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Selenium's ChromeDriverService.Builder could not be created", e);
        }
    }

    WebDriver driver() {
        return driver;
    }

    /** What Selenium logged while finding the driver: proof that Selenium Manager (which downloads) never ran. */
    List<String> driverLookupLog() {
        synchronized (driverLookup) {
            return List.copyOf(driverLookup);
        }
    }

    /**
     * Sizes the window so that the page itself gets {@code width} x {@code height} CSS pixels:
     * {@code --window-size} and {@code setSize} set the outer size, and headless Chromium keeps
     * room for a (virtual) toolbar out of it.
     */
    void viewport(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        // Not outer - inner: below 500 px Chromium reports outerWidth 500 however narrow the page is.
        List<?> inner = (List<?>) js("return [window.innerWidth, window.innerHeight];");
        int dw = width - ((Number) inner.get(0)).intValue();
        int dh = height - ((Number) inner.get(1)).intValue();
        if (dw != 0 || dh != 0) {
            driver.manage().window().setSize(new Dimension(width + dw, height + dh));
        }
        await("a " + width + "x" + height + " viewport", Duration.ofSeconds(5),
                d -> Boolean.TRUE.equals(js("return window.innerWidth === arguments[0] && window.innerHeight === arguments[1];",
                        width, height)));
    }

    public void open(URI url) {
        driver.get(url.toString());
    }

    /** Leaves the current page (closing its WebSocket) and forgets its console output. */
    void blank() {
        driver.get("about:blank");
        consoleEntries();
    }

    public Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    double number(String script, Object... args) {
        Object value = js(script, args);
        assertThat(value).as("a number from: %s", script).isInstanceOf(Number.class);
        return ((Number) value).doubleValue();
    }

    public String text(String script, Object... args) {
        return String.valueOf(js(script, args));
    }

    /** The x scale the chart shows now, [min, max] in epoch milliseconds. */
    double[] xRange() {
        List<?> range = (List<?>) js("return window.dataCascade.xRange();");
        return new double[] {((Number) range.get(0)).doubleValue(), ((Number) range.get(1)).doubleValue()};
    }

    String attr(String name) {
        return driver.findElement(By.tagName("body")).getDomAttribute(name);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /** Polls {@code condition} every 50 ms until it yields a non-null, non-false value. */
    <T> T await(String what, Duration timeout, Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(50))
                .ignoring(JavascriptException.class)
                .withMessage(() -> what + "; page: " + describe())
                .until(condition);
    }

    /** Polls a script until it returns {@code true}. */
    public void awaitJs(String what, Duration timeout, String script, Object... args) {
        await(what, timeout, d -> Boolean.TRUE.equals(js(script, args)));
    }

    /** A one-line summary of the page for failure messages. */
    String describe() {
        try {
            return text("const b = document.body; if (!b) return 'no body';"
                    + "const dc = window.dataCascade;"
                    + "return ['state', 'frames', 'points', 'alerts', 'paused'].map(k => k + '=' + b.getAttribute('data-' + k)).join(' ')"
                    + " + ' status=\"' + (document.getElementById('status-text') || {}).textContent + ' '"
                    + " + (document.getElementById('status-detail') || {}).textContent + '\"'"
                    + " + (dc ? ' series=' + JSON.stringify(dc.series()) + ' xRange=' + JSON.stringify(dc.xRange())"
                    + "   + ' zoomed=' + dc.zoomed : ' (no dataCascade hook)')"
                    + " + ' csp=' + JSON.stringify(window.__cspViolations || [])");
        } catch (RuntimeException e) {
            return "(could not read the page: " + e.getMessage() + ")";
        }
    }

    /** Console entries since the last call (the browser hands each entry out once). */
    List<LogEntry> consoleEntries() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    /**
     * Fails on any console error (SEVERE: script errors, failed loads, CSP reports) not matched by
     * {@code allowed}, and on any CSP violation the page's document saw.
     */
    void assertNoConsoleErrors(Predicate<String> allowed) {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : consoleEntries()) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue() && !allowed.test(e.getMessage())) {
                errors.add(e.getMessage());
            }
        }
        assertThat(errors).as("console errors").isEmpty();
        assertThat(text("return Array.isArray(window.__cspViolations) ? JSON.stringify(window.__cspViolations)"
                + " : 'the CSP probe is missing'")).as("CSP violations").isEqualTo("[]");
    }

    public void assertNoConsoleErrors() {
        assertNoConsoleErrors(message -> false);
    }

    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name);
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole page, also what lies below the fold (Chromium's own capture, through the DevTools protocol). */
    Path fullPageScreenshot(String name) {
        // The capture lays the page out without a vertical scrollbar: as wide as the window, not the scroll width.
        List<?> size = (List<?>) js("const e = document.documentElement;"
                + "return [Math.max(e.scrollWidth, window.innerWidth), e.scrollHeight];");
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
                "format", "png",
                "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", size.get(0), "height", size.get(1), "scale", 1)));
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name);
            Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        // Chromium's helper processes may still be writing for a moment after quit: retry briefly.
        for (int attempt = 0; Files.exists(root); attempt++) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | UncheckedIOException e) {
                if (attempt >= 40) {
                    throw new IllegalStateException("could not delete the browser profile " + root, e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
