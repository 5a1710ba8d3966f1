package io.datacascade.testsupport;

/**
 * Child JVM main for {@link DynaliteTest}: starts a dynalite, prints its node pid and output file,
 * then either exits without closing it ({@code exit}) or waits to be killed ({@code hang}).
 */
public final class DynaliteHoldingMain {

    private DynaliteHoldingMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Dynalite dynalite = Dynalite.start();
        long nodePid = ProcessHandle.current().children().mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
        System.out.println("dynalite nodePid=" + nodePid + " outputFile=" + dynalite.outputFile() + " ready");
        System.out.flush();
        if (args.length > 0 && args[0].equals("exit")) {
            System.exit(0); // without close(): the shutdown hook must clean up
        }
        Thread.sleep(60_000);
    }
}
