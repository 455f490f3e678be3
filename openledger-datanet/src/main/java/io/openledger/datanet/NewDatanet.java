package io.openledger.datanet;

import io.openledger.core.Address;
import io.openledger.core.DatanetId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What is needed to create a datanet; built with {@link #builder(DatanetId, Address)}. Immutable.
 *
 * @param id the new datanet's id
 * @param owner its owner
 * @param name display name, 1..200 characters
 * @param description markdown, at most 64 KiB of text
 * @param tags up to 32 tags of 1..64 characters
 * @param licence licence id, 1..100 characters
 * @param visibility who may contribute
 * @param curators initial curators
 * @param contributors initial listed contributors (meaningful for private datanets)
 */
public record NewDatanet(
        DatanetId id,
        Address owner,
        String name,
        String description,
        List<String> tags,
        String licence,
        Visibility visibility,
        Set<Address> curators,
        Set<Address> contributors) {

    /** Maximum description length in characters. */
    public static final int MAX_DESCRIPTION = 65_536;

    /** Maximum number of tags. */
    public static final int MAX_TAGS = 32;

    /**
     * @throws IllegalArgumentException naming the field if a limit is broken
     */
    public NewDatanet {
        checkLength("name", name, 1, 200);
        checkLength("licence", licence, 1, 100);
        description = checkDescription(description);
        tags = checkTags(tags);
        curators = Set.copyOf(curators);
        contributors = Set.copyOf(contributors);
    }

    /** A builder for a datanet with this id and owner. */
    public static Builder builder(DatanetId id, Address owner) {
        return new Builder(id, owner);
    }

    static void checkLength(String field, String value, int min, int max) {
        if (value.length() < min || value.length() > max) {
            throw new IllegalArgumentException(
                    field + " must be " + min + ".." + max + " characters, got " + value.length());
        }
    }

    /** Validates a description; used for creation and metadata edits. */
    static String checkDescription(String description) {
        if (description.length() > MAX_DESCRIPTION) {
            throw new IllegalArgumentException(
                    "description must be at most " + MAX_DESCRIPTION + " characters, got " + description.length());
        }
        return description;
    }

    /** Validates and de-duplicates tags, keeping the first occurrence order. */
    static List<String> checkTags(List<String> tags) {
        Set<String> seen = new LinkedHashSet<>();
        for (String t : tags) {
            checkLength("tag", t.strip(), 1, 64);
            seen.add(t.strip());
        }
        if (seen.size() > MAX_TAGS) {
            throw new IllegalArgumentException("tags must be at most " + MAX_TAGS + ", got " + seen.size());
        }
        return List.copyOf(seen);
    }

    /** Builder for {@link NewDatanet}; not thread-safe. */
    public static final class Builder {
        private final DatanetId id;
        private final Address owner;
        private @Nullable String name;
        private String description = "";
        private final List<String> tags = new ArrayList<>();
        private String licence = "CC-BY-4.0";
        private Visibility visibility = Visibility.PUBLIC;
        private final Set<Address> curators = new LinkedHashSet<>();
        private final Set<Address> contributors = new LinkedHashSet<>();

        Builder(DatanetId id, Address owner) {
            this.id = Objects.requireNonNull(id, "id");
            this.owner = Objects.requireNonNull(owner, "owner");
        }

        /** Display name; defaults to the id. */
        public Builder name(String name) {
            checkLength("name", name, 1, 200);
            this.name = name;
            return this;
        }

        /** Markdown description, at most {@value NewDatanet#MAX_DESCRIPTION} characters. */
        public Builder description(String description) {
            this.description = checkDescription(description);
            return this;
        }

        /** Adds tags. */
        public Builder tags(String... tags) {
            this.tags.addAll(checkTags(List.of(tags)));
            return this;
        }

        /** Licence id; defaults to {@code CC-BY-4.0}. */
        public Builder licence(String licence) {
            checkLength("licence", licence, 1, 100);
            this.licence = licence;
            return this;
        }

        /** Who may contribute; defaults to {@link Visibility#PUBLIC}. */
        public Builder visibility(Visibility visibility) {
            this.visibility = Objects.requireNonNull(visibility, "visibility");
            return this;
        }

        /** Adds a curator. */
        public Builder curator(Address curator) {
            curators.add(curator);
            return this;
        }

        /** Lists a contributor (for private datanets). */
        public Builder contributor(Address contributor) {
            contributors.add(contributor);
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException if a limit is broken
         */
        public NewDatanet build() {
            String n = name;
            return new NewDatanet(
                    id,
                    owner,
                    n == null ? id.value() : n,
                    description,
                    tags,
                    licence,
                    visibility,
                    curators,
                    contributors);
        }
    }
}
