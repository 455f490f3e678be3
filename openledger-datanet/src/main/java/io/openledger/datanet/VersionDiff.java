package io.openledger.datanet;

import io.openledger.core.Hash;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The record-set difference between two versions of one datanet: applying it to the record ids of
 * {@code from} yields the record ids of {@code to}. Immutable.
 *
 * @param from the version it starts from
 * @param to the version it leads to
 * @param added ids in {@code to} but not in {@code from}, ascending
 * @param removed ids in {@code from} but not in {@code to}, ascending
 */
public record VersionDiff(long from, long to, List<Hash> added, List<Hash> removed) {
    /** Copies the lists. */
    public VersionDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }

    /** The diff between two record-id sets. */
    public static VersionDiff between(long from, Set<Hash> fromIds, long to, Set<Hash> toIds) {
        TreeSet<Hash> added = new TreeSet<>(toIds);
        added.removeAll(fromIds);
        TreeSet<Hash> removed = new TreeSet<>(fromIds);
        removed.removeAll(toIds);
        return new VersionDiff(from, to, List.copyOf(added), List.copyOf(removed));
    }

    /** {@code ids} minus {@link #removed()} plus {@link #added()}, as a new sorted set. */
    public Set<Hash> applyTo(Collection<Hash> ids) {
        TreeSet<Hash> out = new TreeSet<>(ids);
        removed.forEach(out::remove);
        out.addAll(added);
        return out;
    }

    /** True if the versions hold the same records. */
    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty();
    }
}
