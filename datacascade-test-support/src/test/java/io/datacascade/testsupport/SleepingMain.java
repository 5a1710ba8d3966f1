package io.datacascade.testsupport;

/**
 * A tiny program for {@link ChildJvmTest}: prints its pid, a system property and its arguments,
 * then sleeps, or exits with a code given as {@code exit:N}.
 */
public final class SleepingMain {

    private SleepingMain() {
    }

    /**
     * Runs the program.
     *
     * @param args {@code exit:N} to exit with code N at once; anything else is echoed
     * @throws InterruptedException never in practice: the test kills the process
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length == 1 && args[0].startsWith("exit:")) {
            System.err.println("exiting");
            System.exit(Integer.parseInt(args[0].substring("exit:".length())));
        }
        System.out.println("greeting=" + System.getProperty("greeting") + " args=" + String.join(",", args)
                + " maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
        System.out.println("ready pid=" + ProcessHandle.current().pid());
        System.out.flush();
        Thread.sleep(60_000);
    }
}
