package io.openledger.datanet.internal;

import io.openledger.core.Hash;
import io.openledger.datanet.DataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The versions of one datanet that hold one record id, as ascending, disjoint half-open intervals
 * {@code [added, removed)}, each with the record as contributed then. A record pruned and later
 * contributed again gets a second interval, possibly with another contributor and source; the
 * versions in between hold it in neither. Only the last interval may be open (the record is in the
 * head). Immutable.
 *
 * @param id the record id
 * @param spans the intervals, oldest first; at least one
 */
record RecordHistory(Hash id, List<Span> spans) {
    /** {@link Span#removed()} of an interval that no version has closed yet. */
    static final long OPEN = Long.MAX_VALUE;

    /**
     * One interval.
     *
     * @param record the record as contributed for this interval
     * @param contribution the approved contribution that added it
     * @param added the first version that holds it
     * @param removed the first version after {@code added} that no longer holds it, or {@link #OPEN}
     */
    record Span(DataRecord record, Hash contribution, long added, long removed) {
        /** True if {@code version} holds the record through this interval. */
        boolean holds(long version) {
            return added <= version && version < removed;
        }

        boolean isOpen() {
            return removed == OPEN;
        }
    }

    /**
     * @throws IllegalArgumentException if there are no intervals, one is empty, they touch, overlap
     *     or are out of order (so only the last may be open), or a record has another id
     */
    RecordHistory {
        spans = List.copyOf(spans);
        if (spans.isEmpty()) {
            throw new IllegalArgumentException("record " + id + " has no version intervals");
        }
        long after = 0;
        for (Span s : spans) {
            if (!s.record().id().equals(id)) {
                throw new IllegalArgumentException("record " + s.record().id() + " filed under id " + id);
            }
            if (s.added() <= after || s.removed() <= s.added()) {
                throw new IllegalArgumentException("record " + id + ": version intervals " + describe(spans)
                        + " must be non-empty, ascending, apart and from version 1 on");
            }
            after = s.removed(); // a record is re-added in a later version than the one that removed it
        }
    }

    /** A record first added in {@code version} by {@code contribution}. */
    static RecordHistory added(DataRecord r, Hash contribution, long version) {
        return new RecordHistory(r.id(), List.of(new Span(r, contribution, version, OPEN)));
    }

    /** The record as held by {@code version}, if that version holds it. */
    Optional<DataRecord> at(long version) {
        for (Span s : spans) {
            if (s.holds(version)) {
                return Optional.of(s.record());
            }
        }
        return Optional.empty();
    }

    /** True if the latest interval is open, so the head holds the record. */
    boolean inHead() {
        return last().isOpen();
    }

    /**
     * This history with the record added again in {@code version}.
     *
     * @throws IllegalStateException if the head still holds it
     */
    RecordHistory readded(DataRecord r, Hash contribution, long version) {
        if (inHead()) {
            throw new IllegalStateException("record " + id + " is still in the head; it cannot be added again");
        }
        List<Span> next = new ArrayList<>(spans);
        next.add(new Span(r, contribution, version, OPEN));
        return new RecordHistory(id, next);
    }

    /**
     * This history with the record removed from {@code version} on.
     *
     * @throws IllegalStateException if the head does not hold it
     */
    RecordHistory removed(long version) {
        if (!inHead()) {
            throw new IllegalStateException("record " + id + " is not in the head; it cannot be removed");
        }
        Span open = last();
        List<Span> next = new ArrayList<>(spans.subList(0, spans.size() - 1));
        next.add(new Span(open.record(), open.contribution(), open.added(), version));
        return new RecordHistory(id, next);
    }

    /** The latest interval. */
    Span last() {
        return spans.getLast();
    }

    private static String describe(List<Span> spans) {
        StringBuilder sb = new StringBuilder();
        for (Span s : spans) {
            sb.append('[')
                    .append(s.added())
                    .append(", ")
                    .append(s.isOpen() ? "open" : Long.toString(s.removed()))
                    .append(')');
        }
        return sb.toString();
    }
}
