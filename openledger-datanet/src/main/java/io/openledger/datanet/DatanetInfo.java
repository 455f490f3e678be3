package io.openledger.datanet;

import io.openledger.core.Address;
import io.openledger.core.DatanetId;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A datanet's descriptive and access settings. Editing the description or tags never creates a
 * version. Immutable.
 *
 * @param id the datanet id
 * @param owner who created it, reviews it and pays for its versions
 * @param name a display name
 * @param description markdown text
 * @param tags short labels, without repeats
 * @param licence the licence of its records, e.g. an SPDX id
 * @param visibility who may contribute
 * @param curators addresses that may review besides the owner
 * @param contributors addresses listed for a private datanet
 * @param createdAt when it was created
 */
public record DatanetInfo(
        DatanetId id,
        Address owner,
        String name,
        String description,
        List<String> tags,
        String licence,
        Visibility visibility,
        Set<Address> curators,
        Set<Address> contributors,
        Instant createdAt) {

    /** Copies the collections. */
    public DatanetInfo {
        tags = List.copyOf(tags);
        curators = Set.copyOf(curators);
        contributors = Set.copyOf(contributors);
    }

    /** True if {@code who} is the owner or a curator. */
    public boolean mayReview(Address who) {
        return owner.equals(who) || curators.contains(who);
    }

    /** True if {@code who} may contribute: anyone on a public datanet, listed addresses on a private one. */
    public boolean mayContribute(Address who) {
        return visibility == Visibility.PUBLIC || mayReview(who) || contributors.contains(who);
    }
}
