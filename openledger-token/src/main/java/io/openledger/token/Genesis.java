package io.openledger.token;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The genesis allocation: buckets that together hold exactly {@link OpenToken#TOTAL_SUPPLY}, so
 * every base unit is accounted for. Immutable.
 *
 * @param allocations the buckets, in minting order
 */
public record Genesis(List<Allocation> allocations) {
    /**
     * Checks the allocation.
     *
     * @throws IllegalArgumentException if names repeat or the amounts do not sum to the total supply
     */
    public Genesis {
        allocations = List.copyOf(allocations);
        Set<String> names = new HashSet<>();
        Amount sum = Amount.ZERO;
        for (Allocation a : allocations) {
            if (!names.add(a.name())) {
                throw new IllegalArgumentException("allocation name repeated: " + a.name());
            }
            sum = sum.add(a.amount());
        }
        if (!sum.equals(OpenToken.TOTAL_SUPPLY)) {
            throw new IllegalArgumentException(
                    "allocations must sum to exactly " + OpenToken.TOTAL_SUPPLY + " base units, got " + sum);
        }
    }

    /**
     * The published OPEN split (secondary sources, see reference/token-ledger.md §7) as exact
     * integer constants: Community 51.71% and Ecosystem 10% vesting linearly over 48 months,
     * Investors 18.29% and Team 15% with a 12-month cliff then 36 months linear, Liquidity 5% free
     * at genesis. Beneficiaries are placeholder system addresses derived from the bucket names.
     */
    public static Genesis openDefaults(Instant tge) {
        List<Allocation> l = new ArrayList<>();
        l.add(bucket("community", 517_100_000L, VestingSchedule.months(tge, 0, 48)));
        l.add(bucket("investors", 182_900_000L, VestingSchedule.teamDefault(tge)));
        l.add(bucket("team", 150_000_000L, VestingSchedule.teamDefault(tge)));
        l.add(bucket("liquidity", 50_000_000L, null));
        l.add(bucket("ecosystem", 100_000_000L, VestingSchedule.months(tge, 0, 48)));
        return new Genesis(l);
    }

    private static Allocation bucket(String name, long wholeTokens, VestingSchedule v) {
        Address beneficiary = OpenToken.systemAddress("genesis/" + name);
        return new Allocation(name, Amount.tokens(wholeTokens), beneficiary, v);
    }

    /** The bucket named {@code name}. */
    public Allocation allocation(String name) {
        return allocations.stream()
                .filter(a -> a.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no allocation named '" + name + "'"));
    }

    /** The same genesis with {@code name}'s beneficiary replaced. */
    public Genesis withBeneficiary(String name, Address beneficiary) {
        List<Allocation> l = new ArrayList<>();
        for (Allocation a : allocations) {
            l.add(a.name().equals(name) ? new Allocation(a.name(), a.amount(), beneficiary, a.vesting()) : a);
        }
        return new Genesis(l);
    }
}
