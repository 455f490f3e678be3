package io.openledger.datanet.internal;

import io.openledger.core.Hash;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Locality-sensitive hashing over MinHash signatures (banding: Leskovec, Rajaraman, Ullman,
 * "Mining of Massive Datasets", ch. 3.4): a signature of {@code b × r} values is cut into {@code b}
 * bands of {@code r} rows; two records become candidates when any band matches, which happens with
 * probability {@code 1 − (1 − s^r)^b} at similarity {@code s}. Candidates are then checked against
 * the threshold with the full signature. Not thread-safe: the service guards it with the datanet's
 * lock.
 */
final class LshIndex {
    /** A match: the resembled record and the estimated similarity. */
    record Match(Hash record, double similarity) {}

    private final int bands;
    private final int rows;
    private final double threshold;
    private final List<Map<Long, List<Hash>>> buckets = new ArrayList<>();
    private final Map<Hash, int[]> signatures = new HashMap<>();

    LshIndex(int m, double threshold) {
        this.threshold = threshold;
        int[] br = bandsFor(m, threshold);
        this.bands = br[0];
        this.rows = br[1];
        for (int i = 0; i < bands; i++) {
            buckets.add(new HashMap<>());
        }
    }

    /**
     * Chooses the most selective banding whose S-curve midpoint {@code (1/b)^(1/r)} lies at least
     * 0.05 below the threshold, so that pairs at the threshold are found with high probability.
     */
    static int[] bandsFor(int m, double threshold) {
        int bestR = 1;
        for (int r = 1; r <= m; r++) {
            if (m % r != 0) {
                continue;
            }
            int b = m / r;
            double mid = Math.pow(1.0 / b, 1.0 / r);
            if (mid <= threshold - 0.05) {
                bestR = r;
            }
        }
        return new int[] {m / bestR, bestR};
    }

    int bands() {
        return bands;
    }

    int rows() {
        return rows;
    }

    int size() {
        return signatures.size();
    }

    boolean contains(Hash id) {
        return signatures.containsKey(id);
    }

    void add(Hash id, int[] sig) {
        if (signatures.putIfAbsent(id, sig) != null) {
            return;
        }
        for (int band = 0; band < bands; band++) {
            buckets.get(band)
                    .computeIfAbsent(bandKey(sig, band), k -> new ArrayList<>(1))
                    .add(id);
        }
    }

    /**
     * Takes a record out of the index, so that it is no longer found as a match; does nothing if it
     * is not indexed.
     */
    void remove(Hash id) {
        int[] sig = signatures.remove(id);
        if (sig == null) {
            return;
        }
        for (int band = 0; band < bands; band++) {
            Map<Long, List<Hash>> b = buckets.get(band);
            long key = bandKey(sig, band);
            List<Hash> cands = b.get(key);
            if (cands != null) {
                cands.remove(id);
                if (cands.isEmpty()) {
                    b.remove(key);
                }
            }
        }
    }

    /** The most similar indexed record at or above the threshold, other than {@code self}. */
    Optional<Match> best(Hash self, int[] sig) {
        Hash bestId = null;
        double best = -1;
        for (int band = 0; band < bands; band++) {
            List<Hash> cands = buckets.get(band).get(bandKey(sig, band));
            if (cands == null) {
                continue;
            }
            for (Hash c : cands) {
                if (c.equals(self)) {
                    continue;
                }
                double s = MinHasher.similarity(sig, signatures.get(c));
                if (s >= threshold && (s > best || (s == best && bestId != null && c.compareTo(bestId) < 0))) {
                    best = s;
                    bestId = c;
                }
            }
        }
        return bestId == null ? Optional.empty() : Optional.of(new Match(bestId, best));
    }

    private long bandKey(int[] sig, int band) {
        long h = band * 0x9e3779b97f4a7c15L;
        for (int i = band * rows; i < (band + 1) * rows; i++) {
            h = MinHasher.mix(h ^ (sig[i] & 0xffffffffL));
        }
        return h;
    }
}
