package io.datacascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The demo's command line running on a thread of its own until closed (as Ctrl-C would stop it). */
final class DemoRunner implements AutoCloseable {
    private static final Pattern DASHBOARD = Pattern.compile("Live dashboard: (http://localhost:\\d+/)");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Demo demo;
    private final KafkaToDashboard consumer;
    private final Thread thread;

    private DemoRunner(String... args) {
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        demo = new Demo(out);
        consumer = new KafkaToDashboard(out);
        boolean isConsumer = args[0].equals("consumer");
        thread = new Thread(() -> {
            if (isConsumer) {
                RunLoop.execute(consumer, out, System.err, java.util.Arrays.copyOfRange(args, 1, args.length));
            } else {
                Demo.cli(demo, out, System.err).execute(args);
            }
        }, "demo-" + args[0]);
        thread.start();
    }

    static DemoRunner start(String... args) {
        return new DemoRunner(args);
    }

    /** The demo's running stack, or null before it started (and in dashboard-only mode). */
    DemoStack stack() {
        return demo.stack();
    }

    String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    URI url(long deadlineNanos) throws InterruptedException {
        DashboardClient.await(() -> DASHBOARD.matcher(output()).find() || !thread.isAlive(), deadlineNanos);
        Matcher m = DASHBOARD.matcher(output());
        assertThat(m.find()).as(output()).isTrue();
        return URI.create(m.group(1));
    }

    @Override
    public void close() {
        demo.stop();
        consumer.stop();
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(thread.isAlive()).as(output()).isFalse();
    }
}
