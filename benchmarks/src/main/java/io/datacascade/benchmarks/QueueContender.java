package io.datacascade.benchmarks;

import java.util.Queue;

/**
 * A {@link Queue} of references: JCTools' {@code SpscArrayQueue} / {@code MpscArrayQueue} or the
 * JDK's {@code ArrayBlockingQueue}. There are no slots to write into, so the producer offers one
 * of 1,024 {@link Long}s boxed once at set-up (no allocation per event) and the consumer unboxes
 * it. Producer, per event: one {@code offer}. Consumer, per event: one {@code poll} (the queues
 * have no batch read in the {@code Queue} API; JCTools' {@code drain} is not used), idling with
 * the same spin-then-yield (or pure spin) loop as the producers when the queue is empty.
 */
final class QueueContender extends RingContender {
    private static final int POOL = 1024;
    private static final long FIRST_VALUE = 1_000;

    private final Queue<Long> queue;
    private final Long[] values = new Long[POOL];

    QueueContender(String name, Queue<Long> queue, int producers, boolean yielding) {
        super(name, producers, yielding);
        this.queue = queue;
        for (int i = 0; i < POOL; i++) {
            values[i] = FIRST_VALUE + i; // outside Long's box cache: distinct objects, like real payloads
        }
    }

    @Override
    boolean tryPublish(long value) {
        return queue.offer(values[(int) value & (POOL - 1)]);
    }

    @Override
    long consume(int n) {
        long sum = 0;
        int round = 0;
        for (int got = 0; got < n; ) {
            Long e = queue.poll();
            if (e == null) {
                round = idleConsumer(round);
                continue;
            }
            round = 0;
            sum += e;
            got++;
        }
        return sum;
    }
}
