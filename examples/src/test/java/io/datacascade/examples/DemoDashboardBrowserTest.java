package io.datacascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.websocket.BrowserSession;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo as a newcomer sees it: its dashboard in a real headless Chromium draws the averages of
 * every simulated sensor and lists the alerts the spikes fire. The screenshot it leaves in
 * {@code examples/target/dashboard-screenshots/demo-dashboard.png} is the README's picture
 * ({@code docs/images/dashboard.png}); copy it there to refresh the picture.
 */
@Timeout(240)
class DemoDashboardBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void shouldDrawEverySeriesAndListTheAlertsInARealBrowser() throws Exception {
        String unavailable = BrowserSession.unavailable();
        Assumptions.assumeTrue(unavailable == null, unavailable);
        try (DemoRunner demo = DemoRunner.start("--http-port", "0", "--spike-every", "5", "--status-every", "5");
             BrowserSession browser = BrowserSession.start()) {
            browser.open(demo.url(DashboardClient.deadline(WAIT)));
            browser.awaitJs("all 8 averages listed in #series-list", WAIT,
                    "return document.querySelectorAll('#series-list input[type=checkbox]').length === 8;");
            browser.awaitJs("a firing alert in #alerts", WAIT,
                    "return document.querySelectorAll('#alerts li.alert.alert-firing').length >= 1;");
            browser.awaitJs("a resolved alert in #alerts", WAIT,
                    "return document.querySelectorAll('#alerts li.alert.alert-resolved').length >= 1;");
            browser.awaitJs("30 s of averages of sensor-0", WAIT, "return window.dataCascade.points('sensor-0.avg') >= 30;");
            new org.openqa.selenium.support.ui.Select(browser.find("#window")).selectByValue("60000");
            browser.awaitJs("a one-minute x range", WAIT,
                    "const r = window.dataCascade.xRange(); return Math.abs(r[1] - r[0] - 60000) < 1;");
            assertThat(browser.text("return document.querySelector('#alerts').innerText")).contains("sensor-spike");
            Path shot = browser.screenshot("demo-dashboard.png");
            assertThat(shot).isNotEmptyFile();
            browser.assertNoConsoleErrors();
        }
    }
}
