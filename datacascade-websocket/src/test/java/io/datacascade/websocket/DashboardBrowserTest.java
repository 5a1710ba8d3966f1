package io.datacascade.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.datacascade.core.Alert;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard page in a real headless Chromium against a real {@link ChartServer} fed by a real
 * pipeline: live drawing, alerts, zoom and pause, escaping, the token form, reconnecting, the
 * narrow layout and the dark theme. One browser serves the whole class; every test opens its own
 * server. Skipped without Chromium and chromedriver, failed instead when {@code CI=true}.
 * Screenshots go to {@code target/dashboard-screenshots/}.
 */
class DashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final long WINDOW_MS = 300_000; // the page's default window (5 min)
    private static final double SPIKE = 987.25;
    private static final String EVIL = "<img src=x onerror=window.__xss=1>";

    /** The largest value the chart's uPlot data holds for a series, or null. */
    private static final String PLOT_MAX = "const u = window.dataCascade && window.dataCascade.plot;"
            + "if (!u) return null;"
            + "const i = u.series.findIndex(s => s.label === arguments[0]);"
            + "if (i < 1 || !u.data[i]) return null;"
            + "let max = null;"
            + "for (const v of u.data[i]) if (typeof v === 'number' && (max === null || v > max)) max = v;"
            + "return max;";

    private static String unavailable;
    private static BrowserSession browser;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void startBrowser() throws IOException {
        unavailable = BrowserSession.unavailable();
        if (unavailable == null) {
            browser = BrowserSession.start();
        }
    }

    @AfterAll
    static void quitBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void blankPage() {
        // Skipped here rather than in @BeforeAll, so that each test shows up as skipped, with the reason.
        Assumptions.assumeTrue(unavailable == null, unavailable);
        browser.blank();
    }

    @AfterEach
    void closeAll() throws Exception {
        try {
            if (browser != null) {
                browser.blank(); // close the page's socket before its server goes away
            }
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------ tests

    @Test
    void shouldGoLiveAndDrawThePointsAPipelineWritesWhileThePageIsOpen() {
        ChartServer chart = server(ChartServer.builder().port(0));
        browser.open(chart.url());
        awaitState("live");
        assertThat(browser.text("return document.getElementById('status-text').textContent")).isEqualTo("Live");

        LiveFeed live = feed(chart, 0, (s, i, t) -> s == 0 && i == 3 ? SPIKE : 10 * (s + 1) + i % 7,
                "cpu.load", "mem.used", "disk.io");
        browser.awaitJs("cpu.load, mem.used and disk.io listed and ticked in #series-list", WAIT,
                "const boxes = Array.from(document.querySelectorAll('#series-list input[type=checkbox]'));"
                        + "return arguments[0].every(n => boxes.some(b => b.dataset.series === n && b.checked));",
                List.of("cpu.load", "mem.used", "disk.io"));
        assertThat(browser.js("return window.dataCascade.series()")).asInstanceOf(InstanceOfAssertFactories.LIST)
                .containsExactlyInAnyOrder("cpu.load", "mem.used", "disk.io");
        browser.awaitJs("more than 20 points of each series on the page", WAIT,
                "return window.dataCascade.series().every(n => window.dataCascade.points(n) > 20);");
        browser.await("the spike " + SPIKE + " in the chart's data for cpu.load", WAIT,
                d -> Double.valueOf(SPIKE).equals(plotMax("cpu.load")));
        assertThat(browser.number("return window.dataCascade.plot.scales.y.max")).as("y scale takes in the spike")
                .isGreaterThanOrEqualTo(SPIKE);
        assertThat(plotMax("mem.used")).isEqualTo(26.0); // 20 + i % 7
        assertThat(plotMax("disk.io")).isEqualTo(36.0);

        long mark = live.last();
        browser.awaitJs("the chart's data reaches the point sent at " + mark, WAIT,
                "const xs = window.dataCascade.plot.data[0]; return xs.length > 0 && xs[xs.length - 1] >= arguments[0];",
                mark);
        double[] range = browser.xRange();
        assertThat(range[0]).as("x range starts before the first point").isLessThanOrEqualTo(live.first());
        assertThat(range[1]).as("x range ends after the latest point").isGreaterThanOrEqualTo(mark);
        assertThat(range[1] - range[0]).as("live window").isCloseTo(WINDOW_MS, within(1.0));
        assertThat(Long.parseLong(browser.attr("data-points"))).isGreaterThan(60);
        assertThat(Long.parseLong(browser.attr("data-frames"))).isPositive();
        assertThat(browser.js("return document.getElementById('empty').hidden")).isEqualTo(true);
        assertThat(chart.metrics().clients()).isEqualTo(1);

        browser.assertNoConsoleErrors();
        assertThat(browser.driverLookupLog()).as("Selenium's driver lookup")
                .anyMatch(line -> line.contains("Skipping Selenium Manager"))
                .noneMatch(line -> line.startsWith("org.openqa.selenium.manager"));
    }

    @Test
    void shouldListAFiringThenResolvedAlertWithRuleAndSeries() {
        ChartServer chart = server(ChartServer.builder().port(0));
        feed(chart, 60_000, (s, i, t) -> 60 + 30 * Math.sin(t / 2_000.0) + 10 * s, "cpu.load", "mem.used");
        browser.open(chart.url());
        awaitState("live");
        browser.awaitJs("points of cpu.load", WAIT, "return window.dataCascade.points('cpu.load') > 100;");

        long firedAt = System.currentTimeMillis();
        chart.publish(new Alert("cpu-high", "cpu.load", Alert.State.FIRING, 97.5, "value > 90", "critical",
                Map.of("host", "web-1"), firedAt, firedAt));
        browser.awaitJs("a firing alert in #alerts", WAIT,
                "return document.querySelectorAll('#alerts li.alert.alert-firing').length === 1"
                        + " && document.body.getAttribute('data-alerts') === '1';");
        assertThat(browser.find("#alerts li.alert-firing").getText())
                .contains("FIRING", "cpu-high", "cpu.load", "97.5", "value > 90", "critical", "host=web-1");
        assertThat(browser.find("#alert-count").getText()).isEqualTo("1 firing · 1 shown");

        long resolvedAt = Math.max(System.currentTimeMillis(), firedAt + 1);
        chart.publish(new Alert("cpu-high", "cpu.load", Alert.State.RESOLVED, 42.0, "value > 90", "critical",
                Map.of("host", "web-1"), resolvedAt, firedAt));
        browser.awaitJs("the resolved alert in #alerts", WAIT,
                "return document.querySelectorAll('#alerts li.alert.alert-resolved').length === 1"
                        + " && document.body.getAttribute('data-alerts') === '2';");
        List<WebElement> items = browser.driver().findElements(By.cssSelector("#alerts li.alert"));
        assertThat(items).hasSize(2);
        assertThat(items.get(0).getDomAttribute("class")).as("newest first").contains("alert-resolved");
        assertThat(items.get(0).getText()).contains("RESOLVED", "cpu-high", "cpu.load", "42");
        assertThat(items.get(1).getDomAttribute("class")).contains("alert-firing");
        assertThat(browser.find("#alert-count").getText()).isEqualTo("2 shown");
        assertThat(browser.number("return window.dataCascade.alerts().length")).isEqualTo(2.0);
        assertThat(chart.metrics().alerts()).isEqualTo(2);

        // A one-minute window for the screenshot, so the minute of history fills the chart.
        new Select(browser.find("#window")).selectByValue("60000");
        browser.awaitJs("a one-minute x range", WAIT,
                "const r = window.dataCascade.xRange(); return Math.abs(r[1] - r[0] - 60000) < 1;");
        browser.screenshot("dashboard-1280x720.png");
        browser.assertNoConsoleErrors();
    }

    @Test
    void shouldZoomOnDragResetOnDoubleClickAndFreezeTheViewWhilePaused() {
        ChartServer chart = server(ChartServer.builder().port(0));
        feed(chart, 120_000, (s, i, t) -> 50 + 20 * Math.sin(t / 3_000.0) + 5 * s, "cpu.load", "mem.used");
        browser.open(chart.url());
        awaitState("live");
        browser.awaitJs("history and live points on the chart", WAIT, "return window.dataCascade.points('cpu.load') > 300;");
        double[] live = browser.xRange();
        assertThat(live[1] - live[0]).isCloseTo(WINDOW_MS, within(1.0));

        // Zoom: drag across the middle 40% of the plot.
        WebElement over = browser.find("#chart .u-over");
        int w = over.getRect().getWidth();
        new Actions(browser.driver())
                .moveToElement(over, -w / 2 + w * 3 / 10, 0)
                .clickAndHold()
                .moveByOffset(w / 5, 0)
                .moveByOffset(w / 5, 0)
                .release()
                .perform();
        browser.awaitJs("zoomed after the drag", WAIT,
                "return window.dataCascade.zoomed && document.getElementById('range-label').textContent.startsWith('Zoomed');");
        double[] zoomed = browser.xRange();
        assertThat(zoomed[1] - zoomed[0]).as("zoomed span, 40% of the window").isCloseTo(0.4 * WINDOW_MS, withinPercentage(5));
        assertThat(zoomed[0]).isGreaterThan(live[0]);
        assertThat(zoomed[1]).isLessThan(live[1]);
        assertThat(browser.attr("data-paused")).isEqualTo("true");
        double before = browser.number("return window.dataCascade.totalPoints()");
        awaitMorePoints(before + 10);
        assertThat(browser.xRange()).as("a zoomed view stays put while points arrive").containsExactly(zoomed);

        new Actions(browser.driver()).doubleClick(over).perform();
        browser.awaitJs("back to live after a double-click", WAIT,
                "const dc = window.dataCascade; const r = dc.xRange();"
                        + "return !dc.zoomed && !dc.paused && Math.abs(r[1] - r[0] - arguments[0]) < 1;", WINDOW_MS);
        assertThat(browser.attr("data-paused")).isEqualTo("false");

        // Pause: the x range freezes, data keeps arriving; resume moves on.
        browser.find("#pause").click();
        browser.awaitJs("paused", WAIT, "return document.body.getAttribute('data-paused') === 'true'"
                + " && document.getElementById('range-label').textContent.startsWith('Paused');");
        assertThat(browser.find("#pause").getText()).isEqualTo("Resume");
        assertThat(browser.find("#pause").getDomAttribute("aria-pressed")).isEqualTo("true");
        double[] frozen = browser.xRange();
        double frames = Double.parseDouble(browser.attr("data-frames"));
        before = browser.number("return window.dataCascade.totalPoints()");
        awaitMorePoints(before + 20);
        assertThat(Double.parseDouble(browser.attr("data-frames"))).as("frames keep arriving").isGreaterThan(frames);
        assertThat(browser.xRange()).as("a paused view stays put while points arrive").containsExactly(frozen);

        browser.find("#pause").click();
        browser.awaitJs("live again, the x range moving past the paused one", WAIT,
                "return document.body.getAttribute('data-paused') === 'false' && window.dataCascade.xRange()[1] > arguments[0];",
                frozen[1]);
        assertThat(browser.find("#pause").getText()).isEqualTo("Pause");
        browser.assertNoConsoleErrors();
    }

    @Test
    void shouldShowMarkupInSeriesNamesAndAlertsAsText() {
        ChartServer chart = server(ChartServer.builder().port(0));
        feed(chart, 0, (s, i, t) -> i % 10, EVIL, "plain");
        browser.open(chart.url());
        awaitState("live");
        browser.awaitJs("points of the oddly named series", WAIT, "return window.dataCascade.points(arguments[0]) > 10;", EVIL);
        chart.publish(new Alert("<b>rule</b>", EVIL, Alert.State.FIRING, 1, "<i>cond</i>", "<u>sev</u>",
                Map.of("<s>k</s>", "<em>v</em>"), System.currentTimeMillis(), System.currentTimeMillis()));
        browser.awaitJs("the alert", WAIT, "return document.body.getAttribute('data-alerts') === '1';");

        List<String> labels = new ArrayList<>();
        for (WebElement label : browser.driver().findElements(By.cssSelector("#series-list label"))) {
            labels.add(label.getText());
        }
        assertThat(labels).contains(EVIL, "plain");
        assertThat(browser.js("return Array.from(document.querySelectorAll('#series-list input')).map(b => b.dataset.series)"))
                .asInstanceOf(InstanceOfAssertFactories.LIST).contains(EVIL);
        assertThat(browser.find("#chart .u-legend").getText()).contains(EVIL);
        assertThat(browser.find("#alerts li.alert").getText()).contains("<b>rule</b>", EVIL, "<i>cond</i>", "<u>sev</u>",
                "<s>k</s>=<em>v</em>");
        assertThat(browser.number("return document.querySelectorAll('img, b, i, u, s, em').length"))
                .as("elements made from the markup").isZero();
        assertThat(browser.js("return typeof window.__xss")).isEqualTo("undefined");
        browser.assertNoConsoleErrors(); // an injected handler would also show as a CSP violation

        // Defence in depth: the page's Content-Security-Policy refuses inline script.
        browser.js("const s = document.createElement('script'); s.textContent = 'window.__inline = 1';"
                + "document.head.appendChild(s);");
        browser.awaitJs("the CSP refusing an inline script", WAIT,
                "return window.__cspViolations.some(v => v.startsWith('script-src'));");
        assertThat(browser.js("return typeof window.__inline")).isEqualTo("undefined");
    }

    @Test
    void shouldAskForTheTokenRejectAWrongOneAndConnectWithTheRightOne() {
        ChartServer chart = server(ChartServer.builder().port(0).token("s3cret-token"));
        feed(chart, 10_000, (s, i, t) -> i % 5, "cpu.load");
        browser.open(chart.url());
        awaitState("unauthorized");
        assertThat(browser.find("#token").isDisplayed()).isTrue();
        assertThat(browser.number("return window.dataCascade.totalPoints()")).isZero();
        assertThat(browser.number("return document.querySelectorAll('#series-list li').length"))
                .as("no series before the token").isZero();

        browser.find("#token-input").sendKeys("wrong-token-123");
        browser.find("#token button[type=submit]").click();
        // "(invalid token)" is the close reason: the page has handled the server's refusal completely.
        browser.awaitJs("the wrong token refused", WAIT,
                "return document.getElementById('token-message').textContent.includes('(invalid token)');");
        assertThat(browser.find("#token-message").getText()).contains("did not accept that token");
        assertThat(browser.attr("data-state")).isEqualTo("unauthorized");
        assertThat(browser.find("#token").isDisplayed()).isTrue();
        assertThat(chart.metrics().rejectedConnections()).isEqualTo(1);

        browser.find("#token-input").sendKeys("s3cret-token");
        browser.find("#token button[type=submit]").click();
        awaitState("live");
        assertThat(browser.find("#token").isDisplayed()).isFalse();
        browser.awaitJs("points after the token", WAIT, "return window.dataCascade.points('cpu.load') > 10;");
        browser.assertNoConsoleErrors();
    }

    @Test
    void shouldReconnectAndResubscribeWhenTheServerComesBack() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ChartServer first = server(ChartServer.builder().port(port));
        LiveFeed before = feed(first, 0, (s, i, t) -> 1 + i % 10, "net.rx");
        browser.open(first.url());
        awaitState("live");
        browser.awaitJs("points from the first server", WAIT, "return window.dataCascade.points('net.rx') > 10;");
        assertThat(plotMax("net.rx")).isLessThanOrEqualTo(10.0);

        before.close();
        first.close();
        awaitState("reconnecting");
        assertThat(browser.find("#status-text").getText()).startsWith("Reconnecting");

        ChartServer second = server(ChartServer.builder().port(port));
        feed(second, 0, (s, i, t) -> 5000 + i % 10, "net.rx");
        awaitState("live");
        browser.await("points from the second server on the chart", WAIT, d -> {
            Double max = plotMax("net.rx");
            return max != null && max >= 5000;
        });
        assertThat(browser.js("return window.dataCascade.series()")).asInstanceOf(InstanceOfAssertFactories.LIST).containsExactly("net.rx");
        assertThat(second.metrics().clients()).isEqualTo(1);
        // While the server was down, Chromium logs each refused connection attempt.
        browser.assertNoConsoleErrors(message -> message.contains("WebSocket connection to 'ws://localhost:" + port + "/ws' failed"));
    }

    @Test
    void shouldStackTheAlertsBelowTheChartOnANarrowScreen() {
        ChartServer chart = server(ChartServer.builder().port(0));
        feed(chart, 60_000, (s, i, t) -> 50 + 25 * Math.sin(t / 5_000.0) + 15 * s, "cpu.load", "mem.used", "disk.io");
        browser.open(chart.url());
        awaitState("live");
        long now = System.currentTimeMillis();
        chart.publish(new Alert("cpu-high", "cpu.load", Alert.State.FIRING, 91, "value > 90", "warning", Map.of(), now, now));
        browser.awaitJs("points and the alert", WAIT,
                "return window.dataCascade.points('cpu.load') > 100 && document.body.getAttribute('data-alerts') === '1';");
        try {
            browser.viewport(400, 800);
            browser.awaitJs("the chart resized to the narrow window", WAIT,
                    "const u = window.dataCascade.plot;"
                            + "return window.innerWidth <= 400 && u.width >= 200 && u.width <= window.innerWidth"
                            + " && u.data[0].length > 0;");
            assertThat(browser.number("return window.dataCascade.plot.width")).isLessThanOrEqualTo(400);
            assertThat(browser.number("return document.querySelector('#chart canvas').getBoundingClientRect().right"))
                    .as("the canvas fits the window").isLessThanOrEqualTo(browser.number("return window.innerWidth"));
            double chartBottom = browser.number("return document.getElementById('chart').getBoundingClientRect().bottom");
            double alertsTop = browser.number("return document.getElementById('alerts').getBoundingClientRect().top");
            assertThat(alertsTop).as("#alerts below the chart").isGreaterThan(chartBottom);
            assertThat(browser.number("return document.documentElement.scrollWidth"))
                    .as("no horizontal scrolling")
                    .isLessThanOrEqualTo(browser.number("return document.documentElement.clientWidth"));
            browser.fullPageScreenshot("dashboard-narrow.png");
        } finally {
            browser.viewport(BrowserSession.WIDTH, BrowserSession.HEIGHT);
        }
        browser.assertNoConsoleErrors();
    }

    @Test
    void shouldSwitchToTheDarkThemeAndRememberIt() {
        ChartServer chart = server(ChartServer.builder().port(0));
        feed(chart, 60_000, (s, i, t) -> 50 + 25 * Math.sin(t / 5_000.0) + 15 * s, "cpu.load", "mem.used");
        browser.open(chart.url());
        awaitState("live");
        browser.awaitJs("points", WAIT, "return window.dataCascade.points('cpu.load') > 100;");
        String body = "return getComputedStyle(document.body).backgroundColor";
        try {
            assertThat(browser.find("#theme").getText()).isEqualTo("Dark theme");
            String light = browser.text(body);

            browser.find("#theme").click();
            browser.awaitJs("the dark theme", WAIT, "return document.documentElement.dataset.theme === 'dark';");
            assertThat(browser.text(body)).isNotEqualTo(light).isEqualTo("rgb(14, 18, 23)");
            assertThat(browser.find("#theme").getText()).isEqualTo("Light theme");
            assertThat(browser.find("#theme").getDomAttribute("aria-pressed")).isEqualTo("true");
            browser.awaitJs("the chart redrawn with data", WAIT,
                    "const u = window.dataCascade.plot; return !!u && u.data.length === 3 && u.data[1].length > 0;");
            browser.screenshot("dashboard-dark.png");

            browser.driver().navigate().refresh();
            awaitState("live");
            assertThat(browser.js("return document.documentElement.dataset.theme")).as("remembered").isEqualTo("dark");

            browser.find("#theme").click();
            browser.awaitJs("the light theme", WAIT, "return document.documentElement.dataset.theme === 'light';");
            assertThat(browser.text(body)).isEqualTo(light);
            browser.assertNoConsoleErrors();
        } finally {
            browser.js("localStorage.removeItem('datacascade.theme')");
        }
    }

    // ---------------------------------------------------------------------------------------- helpers

    private <T extends AutoCloseable> T track(T resource) {
        open.add(resource);
        return resource;
    }

    private ChartServer server(ChartServer.Builder builder) {
        return track(builder.start());
    }

    private LiveFeed feed(ChartServer chart, long backfillMillis, Values values, String... series) {
        return track(new LiveFeed(chart, backfillMillis, values, series));
    }

    private void awaitState(String state) {
        browser.awaitJs("data-state=" + state, WAIT, "return document.body.getAttribute('data-state') === arguments[0];", state);
    }

    private void awaitMorePoints(double atLeast) {
        browser.awaitJs("at least " + atLeast + " points on the page", WAIT,
                "return window.dataCascade.totalPoints() >= arguments[0];", atLeast);
    }

    private Double plotMax(String series) {
        Object max = browser.js(PLOT_MAX, series);
        return max == null ? null : ((Number) max).doubleValue();
    }

    /** The value of a series' {@code tick}-th point, stamped {@code time}. */
    @FunctionalInterface
    interface Values {
        double at(int series, long tick, long time);
    }

    /**
     * Feeds one point per series every 50 ms, stamped with the current time, through a real
     * pipeline into a chart, until closed; optionally first a backfill of older points, every 250 ms.
     */
    static final class LiveFeed implements AutoCloseable {
        private static final long PERIOD_MS = 50;
        private static final long BACKFILL_STEP_MS = 250;

        private final Feed feed;
        private final ScheduledExecutorService timer;
        private final List<String> series;
        private final Values values;
        private final AtomicLong ticks = new AtomicLong();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile long first = Long.MIN_VALUE;
        private volatile long last = Long.MIN_VALUE;

        LiveFeed(ChartServer chart, long backfillMillis, Values values, String... series) {
            this.feed = new Feed(chart);
            this.series = List.of(series);
            this.values = values;
            long now = System.currentTimeMillis();
            for (long t = now - backfillMillis; t < now; t += BACKFILL_STEP_MS) {
                point(t);
            }
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "dashboard-browser-test-feed");
                thread.setDaemon(true);
                return thread;
            });
            timer.scheduleAtFixedRate(() -> point(Math.max(System.currentTimeMillis(), last + 1)), 0, PERIOD_MS,
                    TimeUnit.MILLISECONDS);
        }

        private void point(long t) {
            long i = ticks.getAndIncrement();
            for (int s = 0; s < series.size(); s++) {
                feed.offer(series.get(s), t, values.at(s, i, t));
            }
            if (i == 0) {
                first = t;
            }
            last = t;
        }

        /** Time of the first point written. */
        long first() {
            return first;
        }

        /** Time of the latest point written. */
        long last() {
            return last;
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                feed.close();
            }
        }
    }
}
