/**
 * jcstress tests of the shipped {@code io.datacascade.core.internal.ring} classes (not copies):
 * that a published slot is fully visible to the consumer, that the multi-producer consumer never
 * reports a sequence past a gap, and that a producer never overwrites a slot the consumer has not
 * released. Each test's forbidden outcomes fail the build's quick pass; see README.md.
 *
 * <p>Actors never wait for each other: consumers use {@code waitFor(seq, 0)}, which gives up after
 * a bounded number of spins, and producers that could find the ring full use {@code tryNext}.
 */
package io.datacascade.jcstress;
