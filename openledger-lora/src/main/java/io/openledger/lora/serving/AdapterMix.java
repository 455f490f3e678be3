package io.openledger.lora.serving;

import io.openledger.core.AdapterId;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.lora.AdapterMerge;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Registered adapters mixed into one for a request, as LoRAX's per-request {@code merged_adapters}:
 * which adapters, and the {@link AdapterMerge} recipe with one weight each. A {@link LoraServer}
 * merges a mix once, registers the result under {@link #idFor its derived id} and serves it like
 * any adapter; later requests with the same mix reuse it. Immutable.
 *
 * @param adapters the adapters mixed, in the recipe's weight order (distinct)
 * @param recipe how they are combined
 */
public record AdapterMix(List<AdapterId> adapters, AdapterMerge recipe) {
    /** The prefix of derived ids. */
    public static final String ID_PREFIX = "mix/";

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if the adapters are empty, repeat one, or do not match the
     *     recipe's weights one for one
     */
    public AdapterMix {
        adapters = List.copyOf(adapters);
        Objects.requireNonNull(recipe, "recipe");
        if (adapters.isEmpty()) {
            throw new IllegalArgumentException("a mix needs at least one adapter");
        }
        if (new HashSet<>(adapters).size() != adapters.size()) {
            throw new IllegalArgumentException("a mix names an adapter twice: " + adapters + "; weigh it once");
        }
        if (adapters.size() != recipe.weights().size()) {
            throw new IllegalArgumentException(adapters.size() + " adapters for "
                    + recipe.weights().size() + " weights: give one weight per adapter");
        }
    }

    /** {@code adapters} combined by {@code strategy} with {@code weights} (density 1, TOTAL, seed 0). */
    public static AdapterMix of(AdapterMerge.Strategy strategy, List<AdapterId> adapters, double... weights) {
        return new AdapterMix(adapters, AdapterMerge.of(strategy, weights));
    }

    /**
     * The id the merged adapter is registered under: {@code mix/} and 32 hex digits of a SHA-256
     * over the recipe (the settings its strategy uses) and each adapter's id, weight and weights
     * hash. The same mix of the same files always gets the same id, and a component whose file was
     * registered anew gets a new one.
     *
     * @param weightsSha256 each adapter's registered weights hash, in {@link #adapters} order
     * @throws IllegalArgumentException if the hashes do not match the adapters one for one
     */
    public AdapterId idFor(List<Hash> weightsSha256) {
        if (weightsSha256.size() != adapters.size()) {
            throw new IllegalArgumentException(weightsSha256.size() + " hashes for " + adapters.size() + " adapters");
        }
        StringBuilder s = new StringBuilder(recipe.strategy().id());
        AdapterMerge.Strategy st = recipe.strategy();
        if (st.usesDensity()) {
            s.append("|density=").append(recipe.density());
        }
        if (st.electsSigns()) {
            s.append("|sign=").append(recipe.majoritySign());
        }
        if (st.isRandom()) {
            s.append("|seed=").append(recipe.seed());
        }
        if (st.usesRank()) {
            s.append("|rank=").append(recipe.rank());
            if (recipe.clamp() > 0) {
                s.append("|clamp=").append(recipe.clamp());
            }
        }
        for (int i = 0; i < adapters.size(); i++) {
            s.append('\n')
                    .append(adapters.get(i).value())
                    .append('=')
                    .append(recipe.weights().get(i))
                    .append('@')
                    .append(weightsSha256.get(i).toHex());
        }
        // the digest's first 16 bytes as hex, past its 0x
        return AdapterId.of(
                ID_PREFIX + Hashing.sha256(Bytes.utf8(s.toString())).toHex().substring(2, 34));
    }
}
