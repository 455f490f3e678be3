/**
 * Proof of Attribution: the attribution SPI, span matching over memory-mapped suffix arrays,
 * KNN-Shapley, quality penalties, and exact weights for settlement.
 */
module io.openledger.attribution {
    requires transitive io.openledger.core;
    requires static org.jspecify;

    exports io.openledger.attribution;
    exports io.openledger.attribution.spi;

    uses io.openledger.attribution.spi.AttributionMethod;

    provides io.openledger.attribution.spi.AttributionMethod with
            io.openledger.attribution.DataInfMethod,
            io.openledger.attribution.KnnShapleyMethod,
            io.openledger.attribution.SpanMethod;
}
