package io.openledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.rlp.RlpException;
import io.openledger.chain.trie.MerklePatriciaTrie;
import io.openledger.chain.tx.AccessListEntry;
import io.openledger.chain.tx.AccessListTransaction;
import io.openledger.chain.tx.BlobTransaction;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.DynamicFeeTransaction;
import io.openledger.chain.tx.InvalidTransactionException;
import io.openledger.chain.tx.LegacyTransaction;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.Transactions;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.PrivateKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code openledger chain}: Ethereum / OP Stack primitives from the command line. */
@Command(
        name = "chain",
        mixinStandardHelpOptions = true,
        description = "Ethereum and OP Stack primitives: trie roots, transaction decoding and signing.",
        subcommands = {ChainCommand.TrieRoot.class, ChainCommand.TxDecode.class, ChainCommand.TxSign.class})
public final class ChainCommand implements Runnable {
    static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Thrown for bad user input; printed as one line, exit status 1. */
    static final class InputException extends Exception {
        private static final long serialVersionUID = 1L;

        InputException(String message) {
            super(message);
        }
    }

    /** Runs a body and turns input errors into one line on stderr and exit status 1. */
    static int guarded(CommandLine.Model.CommandSpec spec, Callable<String> body) {
        try {
            spec.commandLine().getOut().println(body.call());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (Exception e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** {@code chain trie-root FILE [--secure]}. */
    @Command(
            name = "trie-root",
            mixinStandardHelpOptions = true,
            description = "Print the Merkle Patricia root of a JSON object of 0x-hex keys to 0x-hex values.")
    static final class TrieRoot implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "JSON file: {\"0xkey\": \"0xvalue\", ...}")
        Path file;

        @Option(names = "--secure", description = "Hash keys with keccak256 (the secure trie of state and storage).")
        boolean secure;

        @Override
        public Integer call() {
            return guarded(spec, () -> {
                JsonNode root;
                try {
                    root = JSON.readTree(Files.readString(file));
                } catch (IOException e) {
                    throw new InputException(
                            file + ": " + e.getMessage().lines().findFirst().orElse("unreadable"));
                }
                if (root == null || !root.isObject()) {
                    throw new InputException(file + ": expected a JSON object of hex keys to hex values");
                }
                MerklePatriciaTrie trie =
                        MerklePatriciaTrie.builder().secure(secure).build();
                for (Map.Entry<String, JsonNode> e : root.properties()) {
                    if (!e.getValue().isTextual()) {
                        throw new InputException(file + ": value of " + e.getKey() + " is not a hex string");
                    }
                    trie.put(hex(e.getKey(), "key"), hex(e.getValue().asText(), "value of " + e.getKey()));
                }
                return trie.rootHash().toHex();
            });
        }
    }

    /** {@code chain tx-decode HEX}. */
    @Command(
            name = "tx-decode",
            mixinStandardHelpOptions = true,
            description = "Strictly decode a raw transaction and print it as JSON.")
    static final class TxDecode implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "0x-hex raw transaction (EIP-2718 envelope or legacy RLP)")
        String hex;

        @Override
        public Integer call() {
            return guarded(spec, () -> {
                Transaction tx;
                try {
                    tx = Transactions.decode(hex(hex, "transaction"));
                } catch (InvalidTransactionException | RlpException e) {
                    throw new InputException("invalid transaction: " + e.getMessage());
                }
                Address from;
                try {
                    from = tx.sender();
                } catch (InvalidTransactionException e) {
                    throw new InputException("invalid signature: " + e.getMessage());
                }
                return JSON.writeValueAsString(toJson(tx, from));
            });
        }
    }

    /** {@code chain tx-sign --key HEX --json TX_JSON}. */
    @Command(
            name = "tx-sign",
            mixinStandardHelpOptions = true,
            description = "Sign a legacy (EIP-155), EIP-2930 or EIP-1559 transaction given as ethers.js JSON.")
    static final class TxSign implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--key", required = true, description = "0x-hex secp256k1 private key")
        String key;

        @Option(names = "--json", required = true, description = "transaction JSON with ethers.js field names")
        String json;

        @Override
        public Integer call() {
            return guarded(spec, () -> {
                PrivateKey k;
                try {
                    k = PrivateKey.of(hex(key, "key"));
                } catch (IllegalArgumentException e) {
                    throw new InputException("bad --key: " + e.getMessage());
                }
                JsonNode t;
                try {
                    t = JSON.readTree(json);
                } catch (IOException e) {
                    throw new InputException(
                            "bad --json: " + e.getMessage().lines().findFirst().orElse(""));
                }
                if (t == null || !t.isObject()) {
                    throw new InputException("bad --json: expected an object");
                }
                return fromJson(t).sign(k).encode().toHex();
            });
        }
    }

    static Transaction fromJson(JsonNode t) throws InputException {
        int type;
        if (t.hasNonNull("type")) {
            type = num(t.get("type"), "type").intValueExact();
        } else if (t.hasNonNull("maxFeePerGas")) {
            type = 2;
        } else if (t.hasNonNull("accessList")) {
            type = 1;
        } else {
            type = 0;
        }
        long chainId = u64(t, "chainId", true);
        long nonce = u64(t, "nonce", false);
        long gasLimit = u64(t, "gasLimit", true);
        Optional<Address> to = Optional.empty();
        if (t.hasNonNull("to") && !t.get("to").asText().isEmpty()) {
            try {
                to = Optional.of(Address.fromHex(t.get("to").asText()));
            } catch (IllegalArgumentException e) {
                throw new InputException("to: " + e.getMessage());
            }
        }
        Amount value = amount(t, "value", false);
        Bytes data = t.hasNonNull("data") ? hex(t.get("data").asText(), "data") : Bytes.EMPTY;
        List<AccessListEntry> accessList = accessList(t.get("accessList"));
        return switch (type) {
            case 0 -> {
                if (!accessList.isEmpty()) {
                    throw new InputException("a legacy transaction has no accessList");
                }
                yield new LegacyTransaction(
                        nonce,
                        amount(t, "gasPrice", true),
                        gasLimit,
                        to,
                        value,
                        data,
                        OptionalLong.of(chainId),
                        Optional.empty());
            }
            case 1 ->
                new AccessListTransaction(
                        chainId,
                        nonce,
                        amount(t, "gasPrice", true),
                        gasLimit,
                        to,
                        value,
                        data,
                        accessList,
                        Optional.empty());
            case 2 ->
                new DynamicFeeTransaction(
                        chainId,
                        nonce,
                        amount(t, "maxPriorityFeePerGas", true),
                        amount(t, "maxFeePerGas", true),
                        gasLimit,
                        to,
                        value,
                        data,
                        accessList,
                        Optional.empty());
            default -> throw new InputException("type " + type + " cannot be signed here (0, 1 or 2)");
        };
    }

    static ObjectNode toJson(Transaction tx, Address from) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", Integer.toString(tx.type().id()));
        o.put("hash", tx.hash().toHex());
        o.put("from", from.toChecksumHex());
        o.put("nonce", Long.toUnsignedString(tx.nonce()));
        if (tx.to().isPresent()) {
            o.put("to", tx.to().get().toChecksumHex());
        } else {
            o.putNull("to");
        }
        o.put("value", tx.value().toBigInteger().toString());
        o.put("gasLimit", Long.toUnsignedString(tx.gasLimit()));
        o.put("data", tx.data().toHex());
        switch (tx) {
            case LegacyTransaction l -> {
                o.put("gasPrice", l.gasPrice().toBigInteger().toString());
                if (l.chainId().isPresent()) {
                    o.put("chainId", Long.toUnsignedString(l.chainId().getAsLong()));
                } else {
                    o.putNull("chainId");
                }
                o.put("v", l.v().toString());
            }
            case AccessListTransaction a -> {
                o.put("chainId", Long.toUnsignedString(a.chainId()));
                o.put("gasPrice", a.gasPrice().toBigInteger().toString());
                o.set("accessList", accessListJson(a.accessList()));
            }
            case DynamicFeeTransaction d -> {
                o.put("chainId", Long.toUnsignedString(d.chainId()));
                o.put(
                        "maxPriorityFeePerGas",
                        d.maxPriorityFeePerGas().toBigInteger().toString());
                o.put("maxFeePerGas", d.maxFeePerGas().toBigInteger().toString());
                o.set("accessList", accessListJson(d.accessList()));
            }
            case BlobTransaction b -> {
                o.put("chainId", Long.toUnsignedString(b.chainId()));
                o.put(
                        "maxPriorityFeePerGas",
                        b.maxPriorityFeePerGas().toBigInteger().toString());
                o.put("maxFeePerGas", b.maxFeePerGas().toBigInteger().toString());
                o.put("maxFeePerBlobGas", b.maxFeePerBlobGas().toBigInteger().toString());
                o.set("accessList", accessListJson(b.accessList()));
                ArrayNode hs = o.putArray("blobVersionedHashes");
                b.blobVersionedHashes().forEach(h -> hs.add(h.toHex()));
            }
            case DepositTransaction d -> {
                o.put("sourceHash", d.sourceHash().toHex());
                o.put("mint", d.mint().toBigInteger().toString());
                o.put("isSystemTx", d.isSystemTx());
            }
        }
        return o;
    }

    private static ArrayNode accessListJson(List<AccessListEntry> list) {
        ArrayNode a = JSON.createArrayNode();
        for (AccessListEntry e : list) {
            ObjectNode o = a.addObject();
            o.put("address", e.address().toChecksumHex());
            ArrayNode keys = o.putArray("storageKeys");
            e.storageKeys().forEach(k -> keys.add(k.toHex()));
        }
        return a;
    }

    private static List<AccessListEntry> accessList(JsonNode node) throws InputException {
        List<AccessListEntry> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new InputException("accessList must be an array");
        }
        for (JsonNode e : node) {
            try {
                List<Hash> keys = new ArrayList<>();
                for (JsonNode k : e.path("storageKeys")) {
                    keys.add(Hash.fromHex(k.asText()));
                }
                out.add(new AccessListEntry(Address.fromHex(e.path("address").asText()), keys));
            } catch (IllegalArgumentException ex) {
                throw new InputException("accessList entry " + e + ": " + ex.getMessage());
            }
        }
        return out;
    }

    private static BigInteger num(JsonNode n, String name) throws InputException {
        try {
            if (n.isIntegralNumber()) {
                return n.bigIntegerValue();
            }
            if (n.isTextual()) {
                String s = n.asText().trim();
                BigInteger v = s.startsWith("0x") || s.startsWith("0X")
                        ? new BigInteger(s.substring(2), 16)
                        : new BigInteger(s);
                if (v.signum() < 0) {
                    throw new InputException(name + " must not be negative: " + s);
                }
                return v;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InputException(name + " is not an integer: " + n);
        }
        throw new InputException(name + " must be a decimal string or a JSON integer, got " + n);
    }

    private static long u64(JsonNode t, String name, boolean required) throws InputException {
        if (!t.hasNonNull(name)) {
            if (required) {
                throw new InputException(name + " is required");
            }
            return 0;
        }
        BigInteger v = num(t.get(name), name);
        if (v.signum() < 0 || v.bitLength() > 64) {
            throw new InputException(name + " must be in [0, 2^64), got " + v);
        }
        return v.longValue();
    }

    private static Amount amount(JsonNode t, String name, boolean required) throws InputException {
        if (!t.hasNonNull(name)) {
            if (required) {
                throw new InputException(name + " is required");
            }
            return Amount.ZERO;
        }
        BigInteger v = num(t.get(name), name);
        if (v.signum() < 0 || v.bitLength() > 256) {
            throw new InputException(name + " must be in [0, 2^256), got " + v);
        }
        return Amount.of(v);
    }

    static Bytes hex(String s, String what) throws InputException {
        try {
            return Bytes.fromHex(s);
        } catch (IllegalArgumentException e) {
            throw new InputException(what + ": " + e.getMessage());
        }
    }
}
