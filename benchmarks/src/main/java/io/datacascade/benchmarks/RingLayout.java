package io.datacascade.benchmarks;

import io.datacascade.core.WaitStrategy;
import io.datacascade.core.internal.ring.RingBuffer;
import io.datacascade.core.internal.ring.Sequence;
import java.util.Set;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * Prints, with JOL, the field layout of the ring's padded classes on this JVM: the padding around
 * {@link Sequence}'s value (the cursor and the consumer's gating sequence) and around the
 * single-producer ring's producer-local fields, and the heap footprint of a 65,536-slot ring of
 * {@link LongEvent}s. Run with
 * {@code java -cp benchmarks/target/benchmarks.jar io.datacascade.benchmarks.RingLayout}.
 */
public final class RingLayout {
    private static final int SLOTS = 1 << 16;

    private RingLayout() {
    }

    /**
     * Prints the layouts to standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println(VM.current().details());

        ClassLayout sequence = ClassLayout.parseClass(Sequence.class);
        System.out.println(sequence.toPrintable());
        printPadding(sequence, "value");

        RingBuffer<LongEvent> single = RingBuffer.singleProducer(LongEvent::new, SLOTS, WaitStrategy.YIELDING);
        ClassLayout singleLayout = ClassLayout.parseClass(single.getClass());
        System.out.println(singleLayout.toPrintable());
        printPadding(singleLayout, "nextValue", "cachedGating");

        RingBuffer<LongEvent> multi = RingBuffer.multiProducer(LongEvent::new, SLOTS, WaitStrategy.YIELDING);
        System.out.println(ClassLayout.parseClass(multi.getClass()).toPrintable());

        System.out.println(ClassLayout.parseClass(LongEvent.class).toPrintable());

        footprint("single-producer", single);
        footprint("multi-producer", multi);
    }

    /**
     * Prints how many bytes separate the block of {@code hotFields} (adjacent fields written by the
     * same thread) from the nearest other non-padding field or the object's edges.
     */
    private static void printPadding(ClassLayout layout, String... hotFields) {
        Set<String> hot = Set.of(hotFields);
        long first = Long.MAX_VALUE;
        long last = -1;
        for (FieldLayout f : layout.fields()) {
            if (hot.contains(f.name())) {
                first = Math.min(first, f.offset());
                last = Math.max(last, f.offset() + f.size());
            }
        }
        if (last < 0) {
            System.out.printf("  (no field %s)%n%n", hot);
            return;
        }
        long before = layout.headerSize();
        long after = layout.instanceSize();
        String lower = "the object header";
        String upper = "the end of the object";
        for (FieldLayout f : layout.fields()) {
            if (hot.contains(f.name()) || f.name().matches("[pq]\\d+")) {
                continue; // the padding is what we measure, not a neighbour
            }
            long end = f.offset() + f.size();
            if (end <= first && end > before) {
                before = end;
                lower = f.classShortName() + "." + f.name();
            }
            if (f.offset() >= last && f.offset() < after) {
                after = f.offset();
                upper = f.classShortName() + "." + f.name();
            }
        }
        System.out.printf("  %s (offsets %d-%d): %d bytes of padding after %s, %d bytes before %s%n%n",
                String.join(" + ", hotFields), first, last - 1, first - before, lower, after - last, upper);
    }

    private static void footprint(String kind, RingBuffer<LongEvent> ring) {
        GraphLayout graph = GraphLayout.parseInstance(ring);
        System.out.println("Footprint of a " + kind + " RingBuffer of " + ring.capacity() + " LongEvent slots:");
        System.out.println(graph.toFootprint());
        System.out.printf("  total %,d bytes = %.1f bytes per slot%n%n", graph.totalSize(),
                graph.totalSize() / (double) ring.capacity());
    }
}
