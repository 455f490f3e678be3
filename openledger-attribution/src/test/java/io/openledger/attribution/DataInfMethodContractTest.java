package io.openledger.attribution;

import io.openledger.attribution.spi.AttributionMethod;
import io.openledger.attribution.testing.AttributionMethodContract;

class DataInfMethodContractTest extends AttributionMethodContract {
    @Override
    protected AttributionMethod method() {
        return new DataInfMethod();
    }
}
