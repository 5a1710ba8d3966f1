package io.datacascade.core.internal.engine;

/** A reusable ring slot: the record and what its source attached to it. */
final class Slot {
    Object item;
    Object origin;
}
