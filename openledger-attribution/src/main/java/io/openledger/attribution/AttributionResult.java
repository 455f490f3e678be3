package io.openledger.attribution;

import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.contract.AttributionWeights;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The attribution of one output: scores per record (with penalties and their reasons), their sums
 * per contributor and per datanet, the contributors' exact fixed-point weights, and the spans that
 * carried the evidence. Immutable and thread-safe.
 *
 * @param methodId the id of the method that scored
 * @param records every record with a non-zero raw score, by earning (descending) then id
 * @param contributorScores the sum of earnings per contributor (positive entries only)
 * @param datanetScores the sum of earnings per datanet (positive entries only)
 * @param weights the contributors' shares, summing to exactly 10^18 unless empty
 * @param spans matched spans, for span methods
 * @param documents the records the spans retrieved, by BM25 relevance to the prompt and output (for
 *     span methods; for display, it does not change any score)
 */
public record AttributionResult(
        String methodId,
        List<RecordScore> records,
        SortedMap<ContributorId, BigDecimal> contributorScores,
        SortedMap<DatanetId, BigDecimal> datanetScores,
        AttributionWeights weights,
        List<MatchedSpan> spans,
        List<RetrievedDocument> documents) {
    /** Copies the collections. */
    public AttributionResult {
        records = List.copyOf(records);
        contributorScores = Collections.unmodifiableSortedMap(new TreeMap<>(contributorScores));
        datanetScores = Collections.unmodifiableSortedMap(new TreeMap<>(datanetScores));
        spans = List.copyOf(spans);
        documents = List.copyOf(documents);
    }

    /** The spans merged where they overlap, as OLMoTrace highlights them ({@link MatchedSpan#regions}). */
    public List<MatchedSpan.Region> regions() {
        return MatchedSpan.regions(spans);
    }

    /** The records that were penalised. */
    public List<RecordScore> penalised() {
        return records.stream().filter(r -> r.penalty() != null).toList();
    }

    /**
     * Each datanet's share of the earnings as a decimal fraction (34 significant digits; for display
     * and reports, never for money).
     */
    public SortedMap<DatanetId, BigDecimal> datanetFractions() {
        BigDecimal total = datanetScores.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        TreeMap<DatanetId, BigDecimal> out = new TreeMap<>();
        if (total.signum() > 0) {
            datanetScores.forEach((k, v) -> out.put(k, v.divide(total, MathContext.DECIMAL128)));
        }
        return Collections.unmodifiableSortedMap(out);
    }
}
