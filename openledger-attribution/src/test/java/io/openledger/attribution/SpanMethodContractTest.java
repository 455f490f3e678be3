package io.openledger.attribution;

import io.openledger.attribution.spi.AttributionMethod;
import io.openledger.attribution.testing.AttributionMethodContract;

class SpanMethodContractTest extends AttributionMethodContract {
    @Override
    protected AttributionMethod method() {
        return new SpanMethod();
    }
}
