package io.openledger.token.internal;

import io.openledger.token.Account;
import io.openledger.token.AccountFlag;
import io.openledger.token.AccountId;
import io.openledger.token.AccountResult;
import io.openledger.token.Ledger;
import io.openledger.token.Transfer;
import io.openledger.token.TransferResult;
import java.util.ArrayList;
import java.util.List;

/** Small helpers the token services share; they use only the {@link Ledger} interface. */
public final class Accounts {
    private Accounts() {}

    /** Creates the accounts that do not exist yet; fails if one exists with other fields. */
    public static void ensure(Ledger ledger, List<Account> wanted) {
        List<Account> missing = new ArrayList<>();
        for (Account a : wanted) {
            if (ledger.lookupAccount(a.id()).isEmpty()) {
                missing.add(a);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        List<AccountResult> rs = ledger.createAccounts(missing);
        for (int i = 0; i < rs.size(); i++) {
            if (!rs.get(i).isSuccess()) {
                throw new IllegalStateException(
                        "cannot create account " + missing.get(i).id() + ": " + rs.get(i));
            }
        }
    }

    /** A credit-balance account that can never go below zero. */
    public static Account nonNegative(AccountId id, int ledger, int code) {
        return Account.builder(id)
                .ledger(ledger)
                .code(code)
                .flags(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS)
                .build();
    }

    /** Links every transfer but the last into one all-or-nothing chain. */
    public static List<Transfer> chain(List<Transfer> legs) {
        List<Transfer> out = new ArrayList<>(legs.size());
        for (int i = 0; i < legs.size(); i++) {
            out.add(legs.get(i).linked(i < legs.size() - 1));
        }
        return out;
    }

    /** The first result that is not a success, or null if all succeeded. */
    public static TransferResult firstFailure(List<TransferResult> results) {
        for (TransferResult r : results) {
            if (!r.isSuccess() && r != TransferResult.LINKED_EVENT_FAILED) {
                return r;
            }
        }
        for (TransferResult r : results) {
            if (!r.isSuccess()) {
                return r;
            }
        }
        return TransferResult.OK;
    }
}
