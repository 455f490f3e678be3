package io.openledger.chain.internal.node;

import io.openledger.chain.node.SystemAddresses;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Clock;
import io.openledger.token.Account;
import io.openledger.token.AccountId;
import io.openledger.token.Ledger;
import io.openledger.token.OpenToken;
import io.openledger.token.Staking;
import io.openledger.token.StakingParams;
import io.openledger.token.Transfer;
import io.openledger.token.TransferIds;
import io.openledger.token.TransferResult;
import io.openledger.token.Votes;
import java.math.BigInteger;
import java.time.Instant;
import java.util.function.LongConsumer;

/**
 * The token module's services over L2 state for one call: its own {@link Ledger} ({@code
 * Ledger.openUncached}) on a {@link StateKeyValueStore} in the storage of {@link
 * SystemAddresses#TOKEN_LEDGER}, timed by the block's timestamp, with transfer ids derived from the
 * transaction hash; and {@link OpenToken}, {@link Votes} and {@link Staking} on it, unchanged.
 *
 * <p>Native OPEN enters the ledger through an escrow: {@link #depositFrom} moves native balance to
 * the TOKEN_LEDGER account and credits a ledger wallet from the {@link #BRIDGE} account (a
 * debit-balance account on the OPEN ledger); {@link #withdrawTo} does the reverse. So at every block
 * the native balance of TOKEN_LEDGER equals the bridge's net debit, which equals the OPEN held in
 * ledger wallets, and the native total supply (all native balances) is unchanged by staking.
 * Not thread-safe.
 */
final class L2Ledger {
    /** The ledger account that mirrors the native escrow: debited for every OPEN moved in. */
    static final AccountId BRIDGE = AccountId.derive("openledger/l2/native-escrow");

    /** Account code of {@link #BRIDGE}. */
    static final int CODE_BRIDGE = 9;

    final WorldState state;
    final Ledger ledger;
    final TransferIds ids;
    final Clock clock;
    final OpenToken token;
    final Votes votes;
    final Staking staking;
    private final StakingParams params;

    L2Ledger(WorldState state, LongConsumer gas, long timestamp, TransferIds ids, StakingParams params) {
        this.state = state;
        this.ids = ids;
        this.params = params;
        Instant now = Instant.ofEpochSecond(timestamp);
        this.clock = () -> now;
        this.ledger = Ledger.openUncached(store(state, gas), clock);
        this.token = new OpenToken(ledger, ids);
        this.votes = new Votes(ledger, clock, ids);
        this.staking = new Staking(token, clock, params, votes, ids);
        if (ledger.lookupAccount(BRIDGE).isEmpty()) {
            ledger.createAccount(Account.builder(BRIDGE)
                    .ledger(OpenToken.LEDGER)
                    .code(CODE_BRIDGE)
                    .build());
        }
    }

    /** The ledger services for {@code c}'s call (gas charged to it, ids from its transaction). */
    static L2Ledger of(CallContext c, StakingParams params) {
        return new L2Ledger(c.state, c::gas, c.timestamp, c.tx.transferIds(), params);
    }

    /** The ledger's store in {@code state} (read-only use: pass a no-op gas meter). */
    static StateKeyValueStore store(WorldState state, LongConsumer gas) {
        return new StateKeyValueStore(state, SystemAddresses.TOKEN_LEDGER, gas, StateKeyValueStore.LEDGER_INDEXES);
    }

    /** OPEN moved into the ledger so far, by the bridge's books: its net debit. */
    static Amount bridged(Ledger ledger) {
        return ledger.lookupAccount(BRIDGE)
                .map(a -> Amount.of(a.netCredit().negate().max(BigInteger.ZERO)))
                .orElse(Amount.ZERO);
    }

    /**
     * Moves {@code amount} of native OPEN from {@code payer} into the escrow and credits it to {@code
     * holder}'s ledger wallet.
     *
     * @throws Revert if {@code payer} holds less natively
     */
    void depositFrom(Address payer, Address holder, Amount amount) {
        if (amount.isZero()) {
            return;
        }
        if (state.balance(payer).lessThan(amount)) {
            throw new Revert("native balance too low to move " + amount.toBigInteger() + " into the ledger");
        }
        state.subBalance(payer, amount);
        state.addBalance(SystemAddresses.TOKEN_LEDGER, amount);
        move(BRIDGE, token.ensureWallet(holder), amount);
    }

    /**
     * Debits {@code amount} from {@code holder}'s ledger wallet and pays it natively out of the escrow
     * to {@code recipient}.
     */
    void withdrawTo(Address holder, Address recipient, Amount amount) {
        if (amount.isZero()) {
            return;
        }
        move(OpenToken.walletOf(holder), BRIDGE, amount);
        state.subBalance(SystemAddresses.TOKEN_LEDGER, amount);
        state.addBalance(recipient, amount);
    }

    /**
     * Pays {@code amount} of slashed stake out of the slash destination's wallet natively to {@code
     * recipient}.
     *
     * @throws Revert if the slash destination holds less
     */
    void releaseSlashed(Address recipient, Amount amount) {
        Amount held = staking.slashedBalance();
        if (held.lessThan(amount)) {
            throw new Revert("Staking: " + held.toBigInteger() + " slashed, cannot release " + amount.toBigInteger());
        }
        withdrawTo(params.slashDestination(), recipient, amount);
    }

    private void move(AccountId from, AccountId to, Amount amount) {
        TransferResult r = ledger.createTransfer(Transfer.builder(ids.next())
                .debit(from)
                .credit(to)
                .amount(amount)
                .ledger(OpenToken.LEDGER)
                .code(OpenToken.CODE_TRANSFER)
                .build());
        if (r != TransferResult.OK) {
            throw new Revert("ledger refused a move of " + amount.toBigInteger() + ": " + r);
        }
    }
}
