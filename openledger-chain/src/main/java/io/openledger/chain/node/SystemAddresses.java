package io.openledger.chain.node;

import io.openledger.core.Address;

/**
 * Fixed addresses of the node's native system contracts and OP Stack fee vaults (OP predeploys from
 * specs {@code protocol/predeploys.md}; OpenLedger contracts in the {@code 0x4200…01xx} range). The ABI
 * of each contract is shipped as the resource {@code /io/openledger/chain/abi/<Name>.json}.
 */
public final class SystemAddresses {
    /** OP SequencerFeeVault: receives priority fees. */
    public static final Address SEQUENCER_FEE_VAULT = Address.fromHex("0x4200000000000000000000000000000000000011");
    /** OP BaseFeeVault: receives base fees (the OP Stack does not burn them). */
    public static final Address BASE_FEE_VAULT = Address.fromHex("0x4200000000000000000000000000000000000019");
    /** OP L1FeeVault: receives L1 data fees. */
    public static final Address L1_FEE_VAULT = Address.fromHex("0x420000000000000000000000000000000000001a");
    /** OP L1Block: written by the L1-info deposit at the start of every block. */
    public static final Address L1_BLOCK = Address.fromHex("0x4200000000000000000000000000000000000015");
    /** OP L2ToL1MessagePasser: withdrawals. */
    public static final Address L2_TO_L1_MESSAGE_PASSER = Address.fromHex("0x4200000000000000000000000000000000000016");
    /** Models and adapters. */
    public static final Address MODEL_REGISTRY = Address.fromHex("0x4200000000000000000000000000000000000100");
    /** Datanet version anchors. */
    public static final Address DATANET_REGISTRY = Address.fromHex("0x4200000000000000000000000000000000000101");
    /** Inference fee settlement. */
    public static final Address INFERENCE_SETTLEMENT = Address.fromHex("0x4200000000000000000000000000000000000102");
    /** Staking of OPEN; receives the stakers' share of fees. */
    public static final Address STAKING = Address.fromHex("0x4200000000000000000000000000000000000103");
    /** Governance: proposals voted with staked OPEN (the token module's Governor), executed as calls. */
    public static final Address GOVERNANCE = Address.fromHex("0x4200000000000000000000000000000000000104");
    /** Vesting: releases the genesis buckets escrowed in the L2 ledger (the token module's Vesting). */
    public static final Address VESTING = Address.fromHex("0x4200000000000000000000000000000000000106");
    /**
     * The token module's ledger on L2: its storage holds the ledger (staking, votes, governance), and
     * its native balance is the OPEN that has been moved into the ledger (the ledger's escrow). It has
     * no callable functions.
     */
    public static final Address TOKEN_LEDGER = Address.fromHex("0x4200000000000000000000000000000000000105");

    private SystemAddresses() {}
}
