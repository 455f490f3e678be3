package io.openledger.token.internal;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.store.KeyValueStore;
import io.openledger.token.Governor;
import io.openledger.token.LedgerCorruptionException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Governor proposals in a {@link KeyValueStore}. Layout:
 *
 * <pre>
 * gov/p/{id32}           proposer20 voteStart8 voteEnd8 eta8 flags1 against for abstain actionLen4 action
 *                        (amounts as a length byte and at most 32 big-endian bytes; flags bit 0 executed,
 *                        bit 1 canceled)
 * gov/v/{id32}{voter20}  0x01 once the voter voted
 * </pre>
 *
 * Uses only {@code get} and {@code put}. Not thread-safe (the governor calls it under its lock).
 */
public final class KvProposalStore implements Governor.ProposalStore {
    private static final Bytes PROPOSAL = Bytes.utf8("gov/p/");
    private static final Bytes VOTED = Bytes.utf8("gov/v/");
    private static final Bytes MARK = Bytes.of((byte) 1);

    private final KeyValueStore store;

    /** Proposals kept in {@code store}. */
    public KvProposalStore(KeyValueStore store) {
        this.store = store;
    }

    @Override
    public Optional<Governor.Proposal> get(Hash id) {
        Bytes key = PROPOSAL.append(id.bytes());
        return store.get(key).map(v -> decode(key, v));
    }

    @Override
    public void put(Hash id, Governor.Proposal p) {
        ByteBuffer b =
                ByteBuffer.allocate(20 + 8 * 3 + 1 + 3 * 33 + 4 + p.action().size());
        b.put(p.proposer().bytes().unsafeArray());
        b.putLong(p.voteStart()).putLong(p.voteEnd()).putLong(p.eta());
        b.put((byte) ((p.executed() ? 1 : 0) | (p.canceled() ? 2 : 0)));
        for (Amount a : new Amount[] {p.against(), p.forVotes(), p.abstain()}) {
            Bytes m = a.toMinimalBytes();
            b.put((byte) m.size()).put(m.unsafeArray());
        }
        b.putInt(p.action().size()).put(p.action().unsafeArray());
        store.put(PROPOSAL.append(id.bytes()), Bytes.of(b.array(), 0, b.position()));
    }

    @Override
    public boolean hasVoted(Hash id, Address voter) {
        return store.get(voteKey(id, voter)).isPresent();
    }

    @Override
    public void markVoted(Hash id, Address voter) {
        store.put(voteKey(id, voter), MARK);
    }

    private static Bytes voteKey(Hash id, Address voter) {
        return Bytes.concat(VOTED, id.bytes(), voter.bytes());
    }

    private static Governor.Proposal decode(Bytes key, Bytes v) {
        try {
            ByteBuffer b = ByteBuffer.wrap(v.toArray());
            byte[] proposer = new byte[20];
            b.get(proposer);
            long start = b.getLong();
            long end = b.getLong();
            long eta = b.getLong();
            int flags = b.get();
            Amount[] counts = new Amount[3];
            for (int i = 0; i < 3; i++) {
                int n = Byte.toUnsignedInt(b.get());
                if (n > 32) {
                    throw new IllegalArgumentException("amount of " + n + " bytes");
                }
                byte[] m = new byte[n];
                b.get(m);
                counts[i] = Amount.fromUnsignedBytes(Bytes.wrap(m));
            }
            int len = b.getInt();
            if (len < 0 || len != b.remaining()) {
                throw new IllegalArgumentException("action length " + len + " but " + b.remaining() + " bytes left");
            }
            byte[] action = new byte[len];
            b.get(action);
            return new Governor.Proposal(
                    Address.of(Bytes.wrap(proposer)),
                    start,
                    end,
                    counts[0],
                    counts[1],
                    counts[2],
                    eta,
                    (flags & 1) != 0,
                    (flags & 2) != 0,
                    Bytes.wrap(action));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new LedgerCorruptionException("proposal record under " + key + " is malformed: " + e.getMessage());
        }
    }
}
