package io.datacascade.core.internal.window;

import java.util.Arrays;

/**
 * The live windows ordered by the sequence of the record that opened them: an indexed binary
 * min-heap (each window knows its slot), so opening, freeing and lowering a window's hold cost
 * O(log n) with no boxing, and the lowest held sequence is read in O(1).
 */
final class HoldHeap {
    private WindowOperator.Window[] heap = new WindowOperator.Window[16];
    private int size;

    void add(WindowOperator.Window w) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = w;
        w.heapIndex = size;
        size++;
        siftUp(w.heapIndex);
    }

    void remove(WindowOperator.Window w) {
        int i = w.heapIndex;
        if (i < 0) {
            return;
        }
        w.heapIndex = -1;
        size--;
        if (i == size) {
            heap[size] = null;
            return;
        }
        WindowOperator.Window last = heap[size];
        heap[size] = null;
        heap[i] = last;
        last.heapIndex = i;
        siftDown(i);
        siftUp(last.heapIndex);
    }

    /** {@code w}'s first sequence went down: restore the order. */
    void lowered(WindowOperator.Window w) {
        if (w.heapIndex >= 0) {
            siftUp(w.heapIndex);
        }
    }

    /** The lowest first sequence of a live window, or {@link Long#MAX_VALUE}. */
    long min() {
        return size == 0 ? Long.MAX_VALUE : heap[0].firstSequence;
    }

    int size() {
        return size;
    }

    private void siftUp(int i) {
        WindowOperator.Window w = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            WindowOperator.Window p = heap[parent];
            if (p.firstSequence <= w.firstSequence) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = w;
        w.heapIndex = i;
    }

    private void siftDown(int i) {
        WindowOperator.Window w = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].firstSequence < heap[child].firstSequence) {
                child = right;
            }
            if (w.firstSequence <= heap[child].firstSequence) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = w;
        w.heapIndex = i;
    }
}
