package io.openledger.chain.op;

import io.openledger.core.Bytes;
import java.util.Optional;

/**
 * The calldata layouts of the L1 attributes deposit, by the fork that introduced them (specs {@code
 * protocol/deposits.md}, {@code ecotone/l1-attributes.md}, {@code isthmus/l1-attributes.md}).
 */
public enum L1InfoFormat {
    /** Bedrock to Delta: {@code setL1BlockValues(uint64,uint64,uint256,bytes32,uint64,bytes32,uint256,uint256)}, 260 bytes. */
    BEDROCK("015d8eb9", 260),
    /** Ecotone to Holocene: {@code setL1BlockValuesEcotone()}, packed, 164 bytes. */
    ECOTONE("440a5e20", 164),
    /** Isthmus: {@code setL1BlockValuesIsthmus()}, Ecotone plus operator fee fields, 176 bytes. */
    ISTHMUS("098999be", 176);

    private final Bytes selector;
    private final int length;

    L1InfoFormat(String selector, int length) {
        this.selector = Bytes.fromHex(selector);
        this.length = length;
    }

    /** The 4-byte function selector. */
    public Bytes selector() {
        return selector;
    }

    /** Total calldata length including the selector. */
    public int length() {
        return length;
    }

    /** The format whose selector starts {@code calldata}, if any. */
    public static Optional<L1InfoFormat> detect(Bytes calldata) {
        for (L1InfoFormat f : values()) {
            if (calldata.startsWith(f.selector)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
