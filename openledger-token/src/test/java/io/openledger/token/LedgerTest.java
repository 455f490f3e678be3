package io.openledger.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.ManualClock;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.KeyValue;
import io.openledger.core.store.KeyValueIterator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TigerBeetle semantics one by one, with the exact counters expected after each step. */
class LedgerTest {
    static final AccountId BANK = AccountId.of(1);
    static final AccountId ALICE = AccountId.of(2);
    static final AccountId BOB = AccountId.of(3);

    ManualClock clock;
    InMemoryKeyValueStore store;
    Ledger ledger;
    long ids = 100;

    @BeforeEach
    void setUp() {
        clock = new ManualClock();
        store = new InMemoryKeyValueStore();
        ledger = Ledger.open(store, clock);
        assertThat(ledger.createAccounts(List.of(
                        Account.builder(BANK).build(),
                        Account.builder(ALICE)
                                .flags(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS, AccountFlag.HISTORY)
                                .build(),
                        Account.builder(BOB)
                                .flags(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS)
                                .build())))
                .containsOnly(AccountResult.OK);
        assertThat(ledger.createTransfer(Transfer.of(TransferId.of(1), BANK, ALICE, Amount.of(100), 1)))
                .isEqualTo(TransferResult.OK);
    }

    TransferId next() {
        return TransferId.of(ids++);
    }

    Account acct(AccountId id) {
        return ledger.lookupAccount(id).orElseThrow();
    }

    @Test
    void accountCreationValidatesAndIsIdempotent() {
        assertThat(ledger.createAccount(Account.builder(ALICE)
                        .flags(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS, AccountFlag.HISTORY)
                        .build()))
                .isEqualTo(AccountResult.EXISTS);
        assertThat(ledger.createAccount(Account.builder(ALICE).build()))
                .isEqualTo(AccountResult.EXISTS_WITH_DIFFERENT_FIELDS);
        assertThat(ledger.createAccount(Account.builder(AccountId.ZERO).build()))
                .isEqualTo(AccountResult.ID_MUST_NOT_BE_RESERVED);
        assertThat(ledger.createAccount(Account.builder(AccountId.of(9))
                        .flags(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS, AccountFlag.CREDITS_MUST_NOT_EXCEED_DEBITS)
                        .build()))
                .isEqualTo(AccountResult.FLAGS_ARE_MUTUALLY_EXCLUSIVE);
        assertThat(ledger.lookupAccount(AccountId.of(9))).isEmpty();
        assertThatThrownBy(() -> Account.builder(BOB).code(0)).hasMessageContaining("code must be in [1, 65535]");
        assertThatThrownBy(() -> Account.builder(BOB).ledger(0)).hasMessageContaining("ledger must be > 0");
    }

    @Test
    void debitsMustNotExceedCreditsCountsPendingDebits() {
        TransferId p = next();
        assertThat(ledger.createTransfer(Transfer.builder(p)
                        .debit(ALICE)
                        .credit(BOB)
                        .amount(Amount.of(70))
                        .ledger(1)
                        .pending()
                        .build()))
                .isEqualTo(TransferResult.OK);
        // 70 reserved + 31 > 100 posted credits: refused, though only 70 is pending
        assertThat(ledger.createTransfer(Transfer.of(next(), ALICE, BOB, Amount.of(31), 1)))
                .isEqualTo(TransferResult.EXCEEDS_CREDITS);
        assertThat(ledger.createTransfer(Transfer.of(next(), ALICE, BOB, Amount.of(30), 1)))
                .isEqualTo(TransferResult.OK);
        // Bob's pending credit cannot be spent yet
        assertThat(ledger.createTransfer(Transfer.of(next(), BOB, ALICE, Amount.of(31), 1)))
                .isEqualTo(TransferResult.EXCEEDS_CREDITS);
        Account a = acct(ALICE);
        assertThat(List.of(a.debitsPending(), a.debitsPosted(), a.creditsPending(), a.creditsPosted()))
                .containsExactly(Amount.of(70), Amount.of(30), Amount.ZERO, Amount.of(100));
    }

    @Test
    void partialPostReturnsTheRestAndResolvesOnce() {
        TransferId p = next();
        ledger.createTransfer(Transfer.builder(p)
                .debit(ALICE)
                .credit(BOB)
                .amount(Amount.of(60))
                .ledger(1)
                .pending()
                .build());
        assertThat(ledger.createTransfer(Transfer.post(next(), p, Amount.of(61))))
                .isEqualTo(TransferResult.EXCEEDS_PENDING_TRANSFER_AMOUNT);
        TransferId post = next();
        assertThat(ledger.createTransfer(Transfer.post(post, p, Amount.of(25)))).isEqualTo(TransferResult.OK);
        assertThat(ledger.createTransfer(Transfer.post(post, p, Amount.of(25)))).isEqualTo(TransferResult.EXISTS);
        assertThat(ledger.createTransfer(Transfer.post(next(), p, Amount.of(1))))
                .isEqualTo(TransferResult.PENDING_TRANSFER_ALREADY_POSTED);
        assertThat(ledger.createTransfer(Transfer.voidPending(next(), p)))
                .isEqualTo(TransferResult.PENDING_TRANSFER_ALREADY_POSTED);
        assertThat(ledger.pendingStatus(p)).contains(PendingStatus.POSTED);
        assertThat(acct(ALICE).debitsPending()).isEqualTo(Amount.ZERO);
        assertThat(acct(ALICE).netCredit().longValueExact()).isEqualTo(75);
        assertThat(acct(BOB).netCredit().longValueExact()).isEqualTo(25);
        assertThat(ledger.lookupTransfer(post).orElseThrow().debitAccountId()).isEqualTo(ALICE);
    }

    @Test
    void voidRestoresEverythingAndNeedsTheExactAmount() {
        TransferId p = next();
        ledger.createTransfer(Transfer.builder(p)
                .debit(ALICE)
                .credit(BOB)
                .amount(Amount.of(40))
                .ledger(1)
                .pending()
                .build());
        assertThat(ledger.createTransfer(Transfer.builder(next())
                        .pendingId(p)
                        .amount(Amount.of(39))
                        .flag(TransferFlag.VOID_PENDING)
                        .build()))
                .isEqualTo(TransferResult.PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT);
        assertThat(ledger.createTransfer(Transfer.voidPending(next(), p))).isEqualTo(TransferResult.OK);
        assertThat(ledger.createTransfer(Transfer.post(next(), p, Amount.MAX)))
                .isEqualTo(TransferResult.PENDING_TRANSFER_ALREADY_VOIDED);
        assertThat(acct(ALICE).available()).isEqualTo(Amount.of(100));
        assertThat(acct(BOB).creditsPending()).isEqualTo(Amount.ZERO);
    }

    @Test
    void timeoutExpiresNeverEarlyAndThenCannotBePosted() {
        TransferId p = next();
        ledger.createTransfer(Transfer.builder(p)
                .debit(ALICE)
                .credit(BOB)
                .amount(Amount.of(50))
                .ledger(1)
                .pending()
                .timeoutSeconds(10)
                .build());
        long expiresAt = ledger.lookupTransfer(p).orElseThrow().timestamp() + 10_000_000_000L;
        clock.advance(Duration.ofNanos(expiresAt - 1 - clock.nanoTime()));
        assertThat(ledger.expirePendingTransfers()).isZero();
        assertThat(acct(ALICE).debitsPending()).isEqualTo(Amount.of(50));
        clock.advance(Duration.ofNanos(1));
        assertThat(ledger.createTransfer(Transfer.post(next(), p, Amount.MAX)))
                .isEqualTo(TransferResult.PENDING_TRANSFER_EXPIRED);
        assertThat(ledger.pendingStatus(p)).contains(PendingStatus.EXPIRED);
        assertThat(acct(ALICE).debitsPending()).isEqualTo(Amount.ZERO);
        assertThat(acct(BOB).creditsPending()).isEqualTo(Amount.ZERO);
        // expiry survives a reopen, and the expiry index is gone
        Ledger reopened = Ledger.open(store, clock);
        assertThat(reopened.expirePendingTransfers()).isZero();
        assertThat(reopened.pendingStatus(p)).contains(PendingStatus.EXPIRED);
    }

    @Test
    void linkedChainsAreAllOrNothingAndMustClose() {
        TransferId a = next();
        TransferId b = next();
        List<TransferResult> rs = ledger.createTransfers(List.of(
                Transfer.of(a, ALICE, BOB, Amount.of(60), 1).linked(true),
                Transfer.of(b, ALICE, BOB, Amount.of(60), 1)));
        assertThat(rs).containsExactly(TransferResult.LINKED_EVENT_FAILED, TransferResult.EXCEEDS_CREDITS);
        assertThat(ledger.lookupTransfer(a)).isEmpty();
        assertThat(acct(ALICE).netCredit().longValueExact()).isEqualTo(100);
        // a chain's failure does not burn ids: the same ids can succeed later
        assertThat(ledger.createTransfers(List.of(
                        Transfer.of(a, ALICE, BOB, Amount.of(60), 1).linked(true),
                        Transfer.of(b, BOB, ALICE, Amount.of(10), 1))))
                .containsExactly(TransferResult.OK, TransferResult.OK);
        assertThat(ledger.createTransfers(List.of(
                        Transfer.of(next(), ALICE, BOB, Amount.of(1), 1),
                        Transfer.of(next(), ALICE, BOB, Amount.of(1), 1).linked(true))))
                .containsExactly(TransferResult.OK, TransferResult.LINKED_EVENT_CHAIN_OPEN);
        assertThat(acct(BOB).netCredit().longValueExact()).isEqualTo(51);
    }

    @Test
    void idempotencyAndBurnedIds() {
        TransferId t = next();
        Transfer x = Transfer.of(t, ALICE, BOB, Amount.of(10), 1);
        assertThat(ledger.createTransfer(x)).isEqualTo(TransferResult.OK);
        assertThat(ledger.createTransfer(x)).isEqualTo(TransferResult.EXISTS);
        assertThat(ledger.createTransfer(Transfer.of(t, ALICE, BOB, Amount.of(11), 1)))
                .isEqualTo(TransferResult.EXISTS_WITH_DIFFERENT_FIELDS);
        TransferId f = next();
        assertThat(ledger.createTransfer(Transfer.of(f, ALICE, BOB, Amount.of(1000), 1)))
                .isEqualTo(TransferResult.EXCEEDS_CREDITS);
        ledger.createTransfer(Transfer.of(next(), BANK, ALICE, Amount.of(5000), 1));
        // even now that Alice could pay, the id stays failed: a retry never flips the outcome
        assertThat(ledger.createTransfer(Transfer.of(f, ALICE, BOB, Amount.of(1000), 1)))
                .isEqualTo(TransferResult.ID_ALREADY_FAILED);
        assertThat(ledger.lookupTransfer(f)).isEmpty();
    }

    @Test
    void validationErrorsNameTheRule() {
        assertThat(ledger.createTransfer(Transfer.of(next(), ALICE, ALICE, Amount.ONE, 1)))
                .isEqualTo(TransferResult.ACCOUNTS_MUST_BE_DIFFERENT);
        assertThat(ledger.createTransfer(Transfer.of(next(), ALICE, AccountId.of(77), Amount.ONE, 1)))
                .isEqualTo(TransferResult.CREDIT_ACCOUNT_NOT_FOUND);
        assertThat(ledger.createTransfer(Transfer.of(next(), ALICE, BOB, Amount.ONE, 2)))
                .isEqualTo(TransferResult.TRANSFER_MUST_HAVE_THE_SAME_LEDGER_AS_ACCOUNTS);
        assertThat(ledger.createTransfer(Transfer.builder(next())
                        .debit(ALICE)
                        .credit(BOB)
                        .amount(Amount.ONE)
                        .ledger(1)
                        .timeoutSeconds(5)
                        .build()))
                .isEqualTo(TransferResult.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER);
        assertThat(ledger.createTransfer(Transfer.builder(next())
                        .debit(ALICE)
                        .credit(BOB)
                        .amount(Amount.ONE)
                        .ledger(1)
                        .pending()
                        .flag(TransferFlag.POST_PENDING)
                        .build()))
                .isEqualTo(TransferResult.FLAGS_ARE_MUTUALLY_EXCLUSIVE);
        assertThat(ledger.createTransfer(Transfer.of(next(), BANK, BOB, Amount.MAX, 1)))
                .isEqualTo(TransferResult.OVERFLOWS); // Bank has 100 debits posted already
        assertThat(ledger.createTransfer(Transfer.post(next(), TransferId.of(1), Amount.MAX)))
                .isEqualTo(TransferResult.PENDING_TRANSFER_NOT_PENDING);
        assertThatThrownBy(() -> Transfer.builder(next()).timeoutSeconds(-1))
                .hasMessageContaining("timeoutSeconds must be in [0, 2^32 - 1]");
    }

    @Test
    void historyKeepsBalancesAfterEachTransfer() {
        TransferId t = next();
        ledger.createTransfer(Transfer.of(t, ALICE, BOB, Amount.of(7), 1));
        List<AccountBalance> h = ledger.history(ALICE);
        assertThat(h).hasSize(2);
        assertThat(h.get(0).creditsPosted()).isEqualTo(Amount.of(100));
        assertThat(h.get(1).transferId()).isEqualTo(t);
        assertThat(h.get(1).debitsPosted()).isEqualTo(Amount.of(7));
        assertThat(ledger.history(BOB)).isEmpty(); // no HISTORY flag
    }

    @Test
    void aDamagedRecordIsDetectedOnOpen() {
        Bytes key;
        Bytes value;
        try (KeyValueIterator it = store.scan(Bytes.utf8("tl/a/"))) {
            KeyValue kv = it.next();
            key = kv.key();
            value = kv.value();
        }
        byte[] bad = value.toArray();
        bad[bad.length / 2] ^= 1;
        store.put(key, Bytes.wrap(bad));
        assertThatThrownBy(() -> Ledger.open(store, clock))
                .isInstanceOf(LedgerCorruptionException.class)
                .hasMessageContaining("CRC32C");
    }
}
