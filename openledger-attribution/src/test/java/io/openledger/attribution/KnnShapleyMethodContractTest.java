package io.openledger.attribution;

import io.openledger.attribution.spi.AttributionMethod;
import io.openledger.attribution.testing.AttributionMethodContract;

class KnnShapleyMethodContractTest extends AttributionMethodContract {
    @Override
    protected AttributionMethod method() {
        return new KnnShapleyMethod();
    }
}
