package io.openledger.core.crypto;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECPoint;

/** The secp256k1 curve parameters (SEC 2, section 2.4.1), shared by keys and signatures. */
final class Secp256k1 {
    static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");
    static final ECDomainParameters DOMAIN =
            new ECDomainParameters(PARAMS.getCurve(), PARAMS.getG(), PARAMS.getN(), PARAMS.getH());
    static final BigInteger N = PARAMS.getN();
    static final BigInteger HALF_N = N.shiftRight(1);
    static final BigInteger P = PARAMS.getCurve().getField().getCharacteristic();

    private Secp256k1() {}

    static ECPoint g() {
        return PARAMS.getG();
    }
}
