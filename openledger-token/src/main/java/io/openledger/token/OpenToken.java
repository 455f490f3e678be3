package io.openledger.token;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.crypto.Hashing;
import io.openledger.token.internal.Accounts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The OPEN token with ERC-20 semantics over a {@link Ledger}. Every holder (and every system pot:
 * vesting escrows, staking vaults, protocol treasury, dust) is a non-negative wallet account on
 * ledger {@link #LEDGER}; the supply is issued once, at genesis, by debiting the issuance account
 * exactly {@link #TOTAL_SUPPLY}, and there is no other mint or burn. So at every moment the wallets
 * hold exactly the total supply.
 *
 * <p>Allowances live on the ledger as well (ledger {@link #ALLOWANCE_LEDGER}): {@link #transferFrom}
 * is one linked chain that spends the allowance and moves the tokens, all or nothing. Operations
 * that fail throw {@link TokenException} and move nothing. Thread-safe.
 */
public final class OpenToken {
    /** 1,000,000,000 OPEN of 10^18 base units: 10^27 base units, fixed. */
    public static final Amount TOTAL_SUPPLY = Amount.tokens(1_000_000_000L);

    /** The ledger (partition) of OPEN balances. */
    public static final int LEDGER = 1;

    /** The ledger of allowance units. */
    public static final int ALLOWANCE_LEDGER = 2;

    /** Account code of the issuance account. */
    public static final int CODE_ISSUANCE = 1;

    /** Account code of wallets. */
    public static final int CODE_WALLET = 2;

    /** Account code of allowance accounts. */
    public static final int CODE_ALLOWANCE = 3;

    /** Transfer code of ordinary token transfers. */
    public static final int CODE_TRANSFER = 1;

    /** Transfer code of genesis allocations. */
    public static final int CODE_GENESIS = 2;

    /**
     * The origin of all OPEN: a debit-balance account debited exactly once, by the supply transfer
     * {@link #SUPPLY_TRANSFER}, whose id can be recorded only once, so the ledger itself forbids a
     * second mint.
     */
    public static final AccountId ISSUANCE = AccountId.derive("open/issuance");

    /** The non-negative account that receives the supply and hands out the genesis allocations. */
    public static final AccountId GENESIS_RESERVE = AccountId.derive("open/genesis-reserve");

    /** The one transfer that issues {@link #TOTAL_SUPPLY} from {@link #ISSUANCE} to {@link #GENESIS_RESERVE}. */
    public static final TransferId SUPPLY_TRANSFER = TransferId.derive("open/supply");

    private static final AccountId ALLOWANCE_SOURCE = AccountId.derive("open/allowance-source");

    private final Ledger ledger;
    private final TransferIds ids;
    private final List<Consumer<TokenEvent>> listeners = new CopyOnWriteArrayList<>();

    /** The token over {@code ledger} with random ids for the transfers it makes up; creates the issuance account if missing. */
    public OpenToken(Ledger ledger) {
        this(ledger, TransferIds.random());
    }

    /**
     * The token over {@code ledger}, taking the ids of the transfers it makes up (plain {@link
     * #transfer(Address, Address, Amount)}, allowance moves, {@link #transferFrom}) from {@code ids};
     * creates the issuance account if missing.
     */
    public OpenToken(Ledger ledger, TransferIds ids) {
        this.ledger = ledger;
        this.ids = ids;
        Accounts.ensure(
                ledger,
                List.of(
                        Account.builder(ISSUANCE)
                                .ledger(LEDGER)
                                .code(CODE_ISSUANCE)
                                .build(),
                        Accounts.nonNegative(GENESIS_RESERVE, LEDGER, CODE_ISSUANCE),
                        Account.builder(ALLOWANCE_SOURCE)
                                .ledger(ALLOWANCE_LEDGER)
                                .code(CODE_ISSUANCE)
                                .build()));
    }

    /** The ledger underneath. */
    public Ledger ledger() {
        return ledger;
    }

    /** A stable address for a system pot (treasury, dust, pools), derived from its name by keccak256. */
    public static Address systemAddress(String name) {
        return Address.of(
                Hashing.keccak256(Bytes.utf8("open/system/" + name)).bytes().slice(12));
    }

    /** The wallet account id of {@code holder} (whether or not it exists yet). */
    public static AccountId walletOf(Address holder) {
        return AccountId.derive("open/wallet", holder.bytes());
    }

    /** Creates the wallet of {@code holder} if missing and returns its id. */
    public AccountId ensureWallet(Address holder) {
        AccountId id = walletOf(holder);
        if (ledger.lookupAccount(id).isEmpty()) {
            Accounts.ensure(ledger, List.of(Accounts.nonNegative(id, LEDGER, CODE_WALLET)));
        }
        return id;
    }

    /** Adds a listener for Transfer and Approval events (called on the thread that made the change). */
    public void addListener(Consumer<TokenEvent> listener) {
        listeners.add(listener);
    }

    void emit(TokenEvent e) {
        for (Consumer<TokenEvent> l : listeners) {
            l.accept(e);
        }
    }

    /** The supply issued: {@link #TOTAL_SUPPLY} after genesis, zero before. */
    public Amount totalSupply() {
        Account a = ledger.lookupAccount(ISSUANCE).orElseThrow();
        return Amount.of(
                a.debitsPosted().toBigInteger().subtract(a.creditsPosted().toBigInteger()));
    }

    /** The posted balance of {@code holder} (zero if it has no wallet). */
    public Amount balanceOf(Address holder) {
        return ledger.lookupAccount(walletOf(holder))
                .map(a -> Amount.of(a.netCredit()))
                .orElse(Amount.ZERO);
    }

    /**
     * Mints the genesis allocation: one linked chain that issues the supply to the genesis reserve
     * (transfer {@link #SUPPLY_TRANSFER}) and hands every allocation to its beneficiary wallet, or to
     * its vesting escrow if it vests. Idempotent: running it again finds the same transfers and moves
     * nothing; a different allocation afterwards finds the reserve empty and is refused.
     *
     * @throws TokenException if the ledger refuses (for example a different genesis was minted)
     */
    public synchronized void mintGenesis(Genesis genesis) {
        List<Transfer> legs = new ArrayList<>();
        List<Address> to = new ArrayList<>();
        legs.add(Transfer.builder(SUPPLY_TRANSFER)
                .debit(ISSUANCE)
                .credit(GENESIS_RESERVE)
                .amount(TOTAL_SUPPLY)
                .ledger(LEDGER)
                .code(CODE_GENESIS)
                .build());
        to.add(Address.ZERO);
        for (Allocation a : genesis.allocations()) {
            Address holder = a.vesting() == null ? a.beneficiary() : Vesting.escrowAddress(a.name());
            AccountId wallet = ensureWallet(holder);
            legs.add(Transfer.builder(TransferId.derive("open/genesis", Bytes.utf8(a.name())))
                    .debit(GENESIS_RESERVE)
                    .credit(wallet)
                    .amount(a.amount())
                    .ledger(LEDGER)
                    .code(CODE_GENESIS)
                    .build());
            to.add(holder);
        }
        List<TransferResult> rs = ledger.createTransfers(Accounts.chain(legs));
        TransferResult f = Accounts.firstFailure(rs);
        if (!f.isSuccess()) {
            throw new TokenException(TokenException.Reason.REJECTED, "genesis refused by the ledger: " + f);
        }
        if (rs.getFirst() == TransferResult.OK) {
            for (int i = 1; i < legs.size(); i++) {
                emit(new TokenEvent.TransferEvent(
                        Address.ZERO,
                        to.get(i),
                        legs.get(i).amount(),
                        legs.get(i).id()));
            }
        }
    }

    /** The source of the ids of transfers this token makes up (shared with services built on it). */
    public TransferIds transferIds() {
        return ids;
    }

    /** ERC-20 transfer with a fresh id from the token's {@link TransferIds} (random by default). */
    public TransferId transfer(Address from, Address to, Amount value) {
        return transfer(ids.next(), from, to, value);
    }

    /**
     * ERC-20 transfer under a client-chosen id: a retry with the same id and fields moves nothing
     * more and returns normally.
     *
     * @throws TokenException if {@code from} or {@code to} is the zero address or the balance is too low
     */
    public TransferId transfer(TransferId id, Address from, Address to, Amount value) {
        checkParties(from, to);
        AccountId src = walletOf(from);
        AccountId dst = ensureWallet(to);
        TransferResult r = ledger.createTransfer(Transfer.builder(id)
                .debit(src)
                .credit(dst)
                .amount(value)
                .ledger(LEDGER)
                .code(CODE_TRANSFER)
                .build());
        if (r == TransferResult.OK) {
            emit(new TokenEvent.TransferEvent(from, to, value, id));
        } else if (r != TransferResult.EXISTS) {
            throw balanceFailure(r, from, value);
        }
        return id;
    }

    private TokenException balanceFailure(TransferResult r, Address from, Amount value) {
        if (r == TransferResult.EXCEEDS_CREDITS || r == TransferResult.DEBIT_ACCOUNT_NOT_FOUND) {
            return new TokenException(
                    TokenException.Reason.INSUFFICIENT_BALANCE,
                    from + " has " + balanceOf(from) + " base units, needs " + value);
        }
        return new TokenException(TokenException.Reason.REJECTED, "ledger result " + r);
    }

    private static void checkParties(Address from, Address to) {
        if (from.equals(Address.ZERO)) {
            throw new TokenException(TokenException.Reason.INVALID_SENDER, "the zero address cannot send");
        }
        if (to.equals(Address.ZERO)) {
            throw new TokenException(TokenException.Reason.INVALID_RECEIVER, "the zero address cannot receive");
        }
    }

    private static AccountId allowanceAccount(Address owner, Address spender) {
        return AccountId.derive("open/allowance", owner.bytes(), spender.bytes());
    }

    private static AccountId unlimitedAccount(Address owner, Address spender) {
        return AccountId.derive("open/allowance-unlimited", owner.bytes(), spender.bytes());
    }

    private void ensureAllowanceAccounts(Address owner, Address spender) {
        Accounts.ensure(
                ledger,
                List.of(
                        Accounts.nonNegative(allowanceAccount(owner, spender), ALLOWANCE_LEDGER, CODE_ALLOWANCE),
                        Accounts.nonNegative(unlimitedAccount(owner, spender), ALLOWANCE_LEDGER, CODE_ALLOWANCE)));
    }

    /** What {@code spender} may still move from {@code owner}; {@link Amount#MAX} means unlimited. */
    public synchronized Amount allowance(Address owner, Address spender) {
        boolean unlimited = ledger.lookupAccount(unlimitedAccount(owner, spender))
                .map(a -> a.netCredit().signum() > 0)
                .orElse(false);
        if (unlimited) {
            return Amount.MAX;
        }
        return ledger.lookupAccount(allowanceAccount(owner, spender))
                .map(a -> Amount.of(a.netCredit()))
                .orElse(Amount.ZERO);
    }

    /**
     * ERC-20 approve: sets (overwrites) the allowance; {@link Amount#MAX} is unlimited and never
     * decremented. Emits Approval.
     *
     * @throws TokenException if owner or spender is the zero address
     */
    public synchronized void approve(Address owner, Address spender, Amount value) {
        if (owner.equals(Address.ZERO)) {
            throw new TokenException(TokenException.Reason.INVALID_APPROVER, "the zero address cannot approve");
        }
        if (spender.equals(Address.ZERO)) {
            throw new TokenException(TokenException.Reason.INVALID_SPENDER, "the zero address cannot spend");
        }
        ensureAllowanceAccounts(owner, spender);
        boolean unlimited = value.equals(Amount.MAX);
        List<Transfer> legs = new ArrayList<>();
        adjust(legs, allowanceAccount(owner, spender), unlimited ? Amount.ZERO : value);
        adjust(legs, unlimitedAccount(owner, spender), unlimited ? Amount.ONE : Amount.ZERO);
        if (!legs.isEmpty()) {
            TransferResult f = Accounts.firstFailure(ledger.createTransfers(Accounts.chain(legs)));
            if (!f.isSuccess()) {
                throw new TokenException(TokenException.Reason.REJECTED, "approve refused by the ledger: " + f);
            }
        }
        emit(new TokenEvent.ApprovalEvent(owner, spender, value));
    }

    private void adjust(List<Transfer> legs, AccountId acct, Amount target) {
        Amount cur = Amount.of(ledger.lookupAccount(acct).orElseThrow().netCredit());
        if (cur.equals(target)) {
            return;
        }
        boolean up = target.greaterThan(cur);
        legs.add(Transfer.builder(ids.next())
                .debit(up ? ALLOWANCE_SOURCE : acct)
                .credit(up ? acct : ALLOWANCE_SOURCE)
                .amount(up ? target.sub(cur) : cur.sub(target))
                .ledger(ALLOWANCE_LEDGER)
                .code(CODE_TRANSFER)
                .build());
    }

    /**
     * ERC-20 transferFrom: {@code spender} moves {@code value} from {@code from} to {@code to},
     * spending the allowance (unless unlimited) in the same all-or-nothing chain. As in OpenZeppelin,
     * spending allowance emits no Approval event.
     *
     * @throws TokenException on zero addresses, insufficient allowance or insufficient balance
     */
    public synchronized TransferId transferFrom(Address spender, Address from, Address to, Amount value) {
        checkParties(from, to);
        Amount allowed = allowance(from, spender);
        if (allowed.lessThan(value)) {
            throw new TokenException(
                    TokenException.Reason.INSUFFICIENT_ALLOWANCE,
                    spender + " may move " + allowed + " of " + from + "'s base units, needs " + value);
        }
        AccountId dst = ensureWallet(to);
        TransferId id = ids.next();
        Transfer move = Transfer.builder(id)
                .debit(walletOf(from))
                .credit(dst)
                .amount(value)
                .ledger(LEDGER)
                .code(CODE_TRANSFER)
                .build();
        List<Transfer> legs = new ArrayList<>();
        if (!allowed.equals(Amount.MAX)) {
            legs.add(Transfer.builder(ids.next())
                    .debit(allowanceAccount(from, spender))
                    .credit(ALLOWANCE_SOURCE)
                    .amount(value)
                    .ledger(ALLOWANCE_LEDGER)
                    .code(CODE_TRANSFER)
                    .build());
        }
        legs.add(move);
        List<TransferResult> rs = ledger.createTransfers(Accounts.chain(legs));
        TransferResult last = rs.getLast();
        if (!last.isSuccess()) {
            TransferResult f = Accounts.firstFailure(rs);
            if (rs.size() == 2 && rs.getFirst() == f) {
                throw new TokenException(TokenException.Reason.INSUFFICIENT_ALLOWANCE, "allowance: " + f);
            }
            throw balanceFailure(f, from, value);
        }
        emit(new TokenEvent.TransferEvent(from, to, value, id));
        return id;
    }
}
