package io.openledger.chain.internal.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.Log;
import io.openledger.chain.block.LogsBloom;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.node.L2Block;
import io.openledger.chain.node.RpcException;
import io.openledger.chain.tx.AccessListTransaction;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.DynamicFeeTransaction;
import io.openledger.chain.tx.LegacyTransaction;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TxSignature;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The Ethereum JSON-RPC 2.0 methods over a {@link Sequencer}: request objects in, response objects
 * out, errors with JSON-RPC codes and geth's messages. Thread-safe.
 */
public final class RpcMethods {
    /** Most requests in one batch. */
    public static final int MAX_BATCH = 100;
    /** Most blocks one eth_getLogs may scan. */
    public static final int MAX_LOG_RANGE = 10_000;

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final Sequencer seq;
    private final BooleanSupplier automine;
    private final String clientVersion;

    /** Methods over {@code seq}; when {@code automine} says so, each accepted transaction seals a block. */
    public RpcMethods(Sequencer seq, BooleanSupplier automine, String clientVersion) {
        this.seq = seq;
        this.automine = automine;
        this.clientVersion = clientVersion;
    }

    /** Handles a parsed request body (an object or a batch array). */
    public JsonNode handle(JsonNode body) {
        if (body.isArray()) {
            if (body.isEmpty()) {
                return error(F.nullNode(), -32600, "empty batch");
            }
            if (body.size() > MAX_BATCH) {
                return error(
                        F.nullNode(),
                        -32600,
                        "batch of " + body.size() + " requests exceeds the limit of " + MAX_BATCH);
            }
            ArrayNode out = F.arrayNode();
            for (JsonNode r : body) {
                out.add(one(r));
            }
            return out;
        }
        return one(body);
    }

    static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode o = F.objectNode().put("jsonrpc", "2.0");
        o.set("id", id);
        o.putObject("error").put("code", code).put("message", message);
        return o;
    }

    private ObjectNode one(JsonNode req) {
        JsonNode id = req.has("id") ? req.get("id") : F.nullNode();
        if (!req.isObject() || !req.path("method").isTextual()) {
            return error(id, -32600, "invalid request");
        }
        try {
            JsonNode params = req.path("params");
            JsonNode result = call(req.get("method").asText(), params.isArray() ? params : F.arrayNode());
            ObjectNode o = F.objectNode().put("jsonrpc", "2.0");
            o.set("id", id);
            o.set("result", result);
            return o;
        } catch (RpcException e) {
            ObjectNode o = error(id, e.code(), e.getMessage());
            e.data().ifPresent(d -> ((ObjectNode) o.get("error")).put("data", d.toHex()));
            return o;
        } catch (RuntimeException e) {
            return error(id, RpcException.INVALID_PARAMS, "invalid params: " + e.getMessage());
        }
    }

    private JsonNode call(String method, JsonNode p) {
        return switch (method) {
            case "eth_chainId" -> qty(seq.chainId());
            case "net_version" -> F.textNode(Long.toString(seq.chainId()));
            case "net_listening" -> F.booleanNode(true);
            case "eth_syncing" -> F.booleanNode(false);
            case "web3_clientVersion" -> F.textNode(clientVersion);
            case "eth_blockNumber" -> qty(seq.head().number());
            case "eth_accounts" -> F.arrayNode();
            case "eth_getBalance" ->
                qty(state(p.path(1)).balance(address(p.path(0))).toBigInteger());
            case "eth_getTransactionCount" -> {
                Address a = address(p.path(0));
                yield "pending".equals(p.path(1).asText())
                        ? qty(seq.pendingNonce(a))
                        : qty(state(p.path(1)).nonce(a));
            }
            case "eth_getCode" ->
                F.textNode(state(p.path(1)).code(address(p.path(0))).toHex());
            case "eth_getStorageAt" -> {
                Bytes v = state(p.path(2))
                        .storage(
                                address(p.path(0)),
                                Hash.of(Amount.of(quantity(p.path(1))).toBytes32()));
                yield F.textNode(Amount.fromUnsignedBytes(v).toBytes32().toHex());
            }
            case "eth_gasPrice" -> qty(seq.nextBaseFee().add(tip()).toBigInteger());
            case "eth_maxPriorityFeePerGas" -> qty(tip().toBigInteger());
            case "eth_feeHistory" -> feeHistory(p);
            case "eth_estimateGas" -> estimate(p.path(0));
            case "eth_call" -> {
                Executor.CallResult r = simulate(p.path(0), p.path(1));
                yield F.textNode(r.output().toHex());
            }
            case "eth_sendRawTransaction" -> {
                Hash h = seq.submit(data(p.path(0)));
                if (automine.getAsBoolean()) {
                    seq.seal();
                }
                yield F.textNode(h.toHex());
            }
            case "eth_getTransactionByHash" -> txByHash(hash(p.path(0)));
            case "eth_getTransactionReceipt" -> receipt(hash(p.path(0)));
            case "eth_getBlockByNumber" ->
                blockJson(blockByTag(p.path(0)), p.path(1).asBoolean(false));
            case "eth_getBlockByHash" ->
                blockJson(seq.block(hash(p.path(0))), p.path(1).asBoolean(false));
            case "eth_getLogs" -> logs(p.path(0));
            case "eth_getProof" -> proof(p);
            default -> throw new RpcException(-32601, "the method " + method + " does not exist/is not available");
        };
    }

    private static Amount tip() {
        return Amount.of(1_000_000L);
    }

    // ---- parsing

    static Address address(JsonNode n) {
        if (!n.isTextual()) {
            throw new RpcException(RpcException.INVALID_PARAMS, "invalid argument: address expected");
        }
        return Address.fromHex(n.asText());
    }

    static Hash hash(JsonNode n) {
        return Hash.fromHex(n.asText());
    }

    static Bytes data(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? Bytes.EMPTY : Bytes.fromHex(n.asText());
    }

    static BigInteger quantity(JsonNode n) {
        String s = n.asText();
        if (!s.startsWith("0x") || s.length() < 3) {
            throw new RpcException(RpcException.INVALID_PARAMS, "invalid argument: hex quantity expected, got " + s);
        }
        return new BigInteger(s.substring(2), 16);
    }

    private long blockNumber(JsonNode tag) {
        if (tag.isMissingNode() || tag.isNull()) {
            return seq.head().number();
        }
        if (tag.isObject() && tag.has("blockHash")) {
            return seq.block(hash(tag.get("blockHash")))
                    .orElseThrow(() -> new RpcException(RpcException.SERVER_ERROR, "header not found"))
                    .number();
        }
        return switch (tag.asText()) {
            case "latest", "pending", "safe", "finalized" -> seq.head().number();
            case "earliest" -> 0;
            default -> {
                long n = quantity(tag).longValueExact();
                if (n > seq.head().number()) {
                    throw new RpcException(RpcException.SERVER_ERROR, "header not found");
                }
                yield n;
            }
        };
    }

    private WorldState state(JsonNode tag) {
        return seq.stateAt(blockNumber(tag));
    }

    private Optional<L2Block> blockByTag(JsonNode tag) {
        try {
            return seq.block(blockNumber(tag));
        } catch (RpcException e) {
            return Optional.empty();
        }
    }

    // ---- calls

    private Executor.CallResult simulate(JsonNode call, JsonNode tag) {
        WorldState s = state(tag);
        Address from = call.hasNonNull("from") ? address(call.get("from")) : Address.ZERO;
        if (!call.hasNonNull("to")) {
            throw new RpcException(
                    RpcException.SERVER_ERROR,
                    "contract creation is not supported: this node executes native system contracts, not EVM bytecode");
        }
        Address to = address(call.get("to"));
        Amount value = call.hasNonNull("value") ? Amount.of(quantity(call.get("value"))) : Amount.ZERO;
        Bytes input = call.hasNonNull("input") ? data(call.get("input")) : data(call.path("data"));
        L2Block head = seq.head();
        Executor.BlockEnv env = new Executor.BlockEnv(
                head.number() + 1,
                head.header().timestamp() + 1,
                seq.nextBaseFee(),
                seq.config().gasLimit());
        Executor.CallResult r = seq.executor().simulate(s, from, to, value, input, env); // s is this request's own view
        if (!r.success()) {
            throw new RpcException(
                    RpcException.EXECUTION_REVERTED, "execution reverted: " + r.revertReason(), r.output());
        }
        return r;
    }

    private JsonNode estimate(JsonNode call) {
        Executor.CallResult r = simulate(call, F.textNode("latest"));
        return qty(r.gasUsed());
    }

    private JsonNode feeHistory(JsonNode p) {
        long count = Math.min(
                1024,
                p.path(0).isTextual()
                        ? quantity(p.path(0)).longValueExact()
                        : p.path(0).asLong());
        long newest = blockNumber(p.path(1));
        long oldest = Math.max(0, newest - count + 1);
        ObjectNode o = F.objectNode();
        o.set("oldestBlock", qty(oldest));
        ArrayNode fees = o.putArray("baseFeePerGas");
        ArrayNode ratios = o.putArray("gasUsedRatio");
        ArrayNode rewards = F.arrayNode();
        for (long n = oldest; n <= newest; n++) {
            BlockHeader h = seq.block(n).orElseThrow().header();
            fees.add(qty(h.baseFeePerGas().orElse(Amount.ZERO).toBigInteger()));
            ratios.add((double) h.gasUsed() / h.gasLimit());
            ArrayNode r = rewards.addArray();
            for (int i = 0; i < p.path(2).size(); i++) {
                r.add(qty(tip().toBigInteger()));
            }
        }
        fees.add(qty(
                newest == seq.head().number()
                        ? seq.nextBaseFee().toBigInteger()
                        : seq.block(newest + 1)
                                .orElseThrow()
                                .header()
                                .baseFeePerGas()
                                .orElseThrow()
                                .toBigInteger()));
        if (p.path(2).isArray()) {
            o.set("reward", rewards);
        }
        return o;
    }

    // ---- formatting

    static JsonNode qty(long v) {
        return F.textNode("0x" + Long.toHexString(v));
    }

    static JsonNode qty(BigInteger v) {
        return F.textNode("0x" + v.toString(16));
    }

    private JsonNode txByHash(Hash h) {
        Optional<long[]> at = seq.locate(h);
        if (at.isEmpty()) {
            return seq.pending(h).map(tx -> txJson(tx, null, -1, null)).orElse(F.nullNode());
        }
        L2Block b = seq.block(at.get()[0]).orElseThrow();
        int i = (int) at.get()[1];
        return txJson(b.transactions().get(i), b, i, b.senders().get(i));
    }

    private JsonNode txJson(Transaction tx, L2Block b, int i, Address sender) {
        ObjectNode o = F.objectNode();
        o.put("hash", tx.hash().toHex());
        o.set("type", qty(tx.type().id()));
        o.set("nonce", qty(tx.nonce()));
        o.set("gas", qty(new BigInteger(Long.toUnsignedString(tx.gasLimit()))));
        o.put("to", tx.to().map(Address::toHex).orElse(null));
        o.set("value", qty(tx.value().toBigInteger()));
        o.put("input", tx.data().toHex());
        o.put("from", (sender != null ? sender : tx.sender()).toHex());
        if (b != null) {
            o.put("blockHash", b.hash().toHex());
            o.set("blockNumber", qty(b.number()));
            o.set("transactionIndex", qty(i));
        } else {
            o.putNull("blockHash");
            o.putNull("blockNumber");
            o.putNull("transactionIndex");
        }
        Optional<TxSignature> sig = Optional.empty();
        switch (tx) {
            case LegacyTransaction l -> {
                o.set("gasPrice", qty(l.gasPrice().toBigInteger()));
                l.chainId().ifPresent(c -> o.set("chainId", qty(c)));
                o.set("v", qty(l.v()));
                sig = l.signature();
            }
            case AccessListTransaction a -> {
                o.set("gasPrice", qty(a.gasPrice().toBigInteger()));
                o.set("chainId", qty(a.chainId()));
                o.putArray("accessList");
                sig = a.signature();
            }
            case DynamicFeeTransaction d -> {
                o.set("maxFeePerGas", qty(d.maxFeePerGas().toBigInteger()));
                o.set("maxPriorityFeePerGas", qty(d.maxPriorityFeePerGas().toBigInteger()));
                Amount price = b == null
                        ? d.maxFeePerGas()
                        : Executor.effectiveTip(d, b.header().baseFeePerGas().orElseThrow())
                                .map(t -> t.add(b.header().baseFeePerGas().orElseThrow()))
                                .orElse(d.maxFeePerGas());
                o.set("gasPrice", qty(price.toBigInteger()));
                o.set("chainId", qty(d.chainId()));
                o.putArray("accessList");
                sig = d.signature();
            }
            case DepositTransaction d -> {
                o.put("sourceHash", d.sourceHash().toHex());
                o.set("mint", qty(d.mint().toBigInteger()));
                o.put("isSystemTx", d.isSystemTx());
                o.set("gasPrice", qty(0));
                o.set("v", qty(0));
                o.set("r", qty(0));
                o.set("s", qty(0));
            }
            default -> {}
        }
        sig.ifPresent(s -> {
            o.set("r", qty(s.r()));
            o.set("s", qty(s.s()));
            o.set("yParity", qty(s.yParity()));
            if (!o.has("v")) {
                o.set("v", qty(s.yParity()));
            }
        });
        return o;
    }

    private JsonNode receipt(Hash h) {
        Optional<long[]> at = seq.locate(h);
        if (at.isEmpty()) {
            return F.nullNode();
        }
        L2Block b = seq.block(at.get()[0]).orElseThrow();
        return receiptJson(b, (int) at.get()[1]);
    }

    private int logIndexBase(L2Block b, int i) {
        int n = 0;
        for (int k = 0; k < i; k++) {
            n += b.receipts().get(k).logs().size();
        }
        return n;
    }

    private JsonNode receiptJson(L2Block b, int i) {
        Transaction tx = b.transactions().get(i);
        Receipt r = b.receipts().get(i);
        ObjectNode o = F.objectNode();
        o.put("transactionHash", tx.hash().toHex());
        o.set("transactionIndex", qty(i));
        o.put("blockHash", b.hash().toHex());
        o.set("blockNumber", qty(b.number()));
        o.put("from", b.senders().get(i).toHex());
        o.put("to", tx.to().map(Address::toHex).orElse(null));
        o.putNull("contractAddress");
        o.set("cumulativeGasUsed", qty(r.cumulativeGasUsed()));
        o.set("gasUsed", qty(b.gasUsed(i)));
        Amount base = b.header().baseFeePerGas().orElseThrow();
        Amount price = tx instanceof DepositTransaction
                ? Amount.ZERO
                : Executor.effectiveTip(tx, base).map(t -> t.add(base)).orElse(base);
        o.set("effectiveGasPrice", qty(price.toBigInteger()));
        o.set("l1Fee", qty(b.l1Fees().get(i).toBigInteger()));
        o.put("logsBloom", r.logsBloom().bytes().toHex());
        o.set("status", qty(r.success() ? 1 : 0));
        o.set("type", qty(tx.type().id()));
        r.depositNonce().ifPresent(n -> o.set("depositNonce", qty(n)));
        r.depositReceiptVersion().ifPresent(n -> o.set("depositReceiptVersion", qty(n)));
        ArrayNode logs = o.putArray("logs");
        int base0 = logIndexBase(b, i);
        for (int k = 0; k < r.logs().size(); k++) {
            logs.add(logJson(r.logs().get(k), b, i, base0 + k));
        }
        return o;
    }

    private static ObjectNode logJson(Log l, L2Block b, int txIndex, int logIndex) {
        ObjectNode o = F.objectNode();
        o.put("address", l.address().toHex());
        ArrayNode t = o.putArray("topics");
        l.topics().forEach(h -> t.add(h.toHex()));
        o.put("data", l.data().toHex());
        o.set("blockNumber", qty(b.number()));
        o.put("blockHash", b.hash().toHex());
        o.put("transactionHash", b.transactions().get(txIndex).hash().toHex());
        o.set("transactionIndex", qty(txIndex));
        o.set("logIndex", qty(logIndex));
        o.put("removed", false);
        return o;
    }

    private JsonNode blockJson(Optional<L2Block> ob, boolean full) {
        if (ob.isEmpty()) {
            return F.nullNode();
        }
        L2Block b = ob.get();
        BlockHeader h = b.header();
        ObjectNode o = F.objectNode();
        o.set("number", qty(h.number()));
        o.put("hash", b.hash().toHex());
        o.put("parentHash", h.parentHash().toHex());
        o.put("nonce", h.nonce().toHex());
        o.put("sha3Uncles", h.ommersHash().toHex());
        o.put("logsBloom", h.logsBloom().bytes().toHex());
        o.put("transactionsRoot", h.transactionsRoot().toHex());
        o.put("stateRoot", h.stateRoot().toHex());
        o.put("receiptsRoot", h.receiptsRoot().toHex());
        o.put("miner", h.beneficiary().toHex());
        o.set("difficulty", qty(0));
        o.set("totalDifficulty", qty(0));
        o.put("extraData", h.extraData().toHex());
        o.set("size", qty(h.encode().size()));
        o.set("gasLimit", qty(h.gasLimit()));
        o.set("gasUsed", qty(h.gasUsed()));
        o.set("timestamp", qty(h.timestamp()));
        o.put("mixHash", h.mixHash().toHex());
        h.baseFeePerGas().ifPresent(v -> o.set("baseFeePerGas", qty(v.toBigInteger())));
        h.withdrawalsRoot().ifPresent(v -> o.put("withdrawalsRoot", v.toHex()));
        h.blobGasUsed().ifPresent(v -> o.set("blobGasUsed", qty(v)));
        h.excessBlobGas().ifPresent(v -> o.set("excessBlobGas", qty(v)));
        h.parentBeaconBlockRoot().ifPresent(v -> o.put("parentBeaconBlockRoot", v.toHex()));
        h.requestsHash().ifPresent(v -> o.put("requestsHash", v.toHex()));
        o.putArray("uncles");
        o.putArray("withdrawals");
        ArrayNode txs = o.putArray("transactions");
        for (int i = 0; i < b.transactions().size(); i++) {
            txs.add(
                    full
                            ? txJson(b.transactions().get(i), b, i, b.senders().get(i))
                            : F.textNode(b.transactions().get(i).hash().toHex()));
        }
        return o;
    }

    private JsonNode logs(JsonNode f) {
        long from;
        long to;
        if (f.hasNonNull("blockHash")) {
            from = to = seq.block(hash(f.get("blockHash")))
                    .orElseThrow(() -> new RpcException(RpcException.SERVER_ERROR, "unknown block"))
                    .number();
        } else {
            from = blockNumber(f.path("fromBlock"));
            to = blockNumber(f.path("toBlock"));
        }
        if (to - from >= MAX_LOG_RANGE) {
            throw new RpcException(RpcException.SERVER_ERROR, "query exceeds max block range " + MAX_LOG_RANGE);
        }
        List<Address> addresses = new ArrayList<>();
        if (f.path("address").isArray()) {
            f.get("address").forEach(a -> addresses.add(address(a)));
        } else if (f.hasNonNull("address")) {
            addresses.add(address(f.get("address")));
        }
        List<List<Hash>> topics = new ArrayList<>();
        for (JsonNode t : f.path("topics")) {
            List<Hash> alts = new ArrayList<>();
            if (t.isArray()) {
                t.forEach(x -> alts.add(hash(x)));
            } else if (!t.isNull()) {
                alts.add(hash(t));
            }
            topics.add(alts);
        }
        ArrayNode out = F.arrayNode();
        for (long n = from; n <= to; n++) {
            L2Block b = seq.block(n).orElseThrow();
            LogsBloom bloom = b.header().logsBloom();
            if (!addresses.isEmpty() && addresses.stream().noneMatch(a -> bloom.mightContain(a.bytes()))) {
                continue;
            }
            int logIndex = 0;
            for (int i = 0; i < b.receipts().size(); i++) {
                for (Log l : b.receipts().get(i).logs()) {
                    if (matches(l, addresses, topics)) {
                        out.add(logJson(l, b, i, logIndex));
                    }
                    logIndex++;
                }
            }
        }
        return out;
    }

    private static boolean matches(Log l, List<Address> addresses, List<List<Hash>> topics) {
        if (!addresses.isEmpty() && !addresses.contains(l.address())) {
            return false;
        }
        for (int i = 0; i < topics.size(); i++) {
            List<Hash> alts = topics.get(i);
            if (alts.isEmpty()) {
                continue;
            }
            if (i >= l.topics().size() || !alts.contains(l.topics().get(i))) {
                return false;
            }
        }
        return true;
    }

    private JsonNode proof(JsonNode p) {
        Address a = address(p.path(0));
        WorldState s = state(p.path(2));
        WorldState.Account acc = s.account(a);
        ObjectNode o = F.objectNode();
        o.put("address", a.toHex());
        o.set("balance", qty(acc.balance().toBigInteger()));
        o.set("nonce", qty(acc.nonce()));
        o.put("codeHash", acc.codeHash().toHex());
        o.put("storageHash", acc.storageRoot().toHex());
        ArrayNode ap = o.putArray("accountProof");
        s.proveAccount(a).nodes().forEach(n -> ap.add(n.toHex()));
        ArrayNode sp = o.putArray("storageProof");
        for (JsonNode k : p.path(1)) {
            Hash slot = Hash.of(Amount.of(quantity(k)).toBytes32());
            ObjectNode e = sp.addObject();
            e.put("key", k.asText());
            e.set("value", qty(Amount.fromUnsignedBytes(s.storage(a, slot)).toBigInteger()));
            ArrayNode pr = e.putArray("proof");
            s.proveStorage(a, slot).nodes().forEach(n -> pr.add(n.toHex()));
        }
        return o;
    }

    /** A shared mapper for the server. */
    public static ObjectMapper mapper() {
        return new ObjectMapper();
    }
}
