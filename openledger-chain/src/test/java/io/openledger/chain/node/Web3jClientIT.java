package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/** Drives the node's JSON-RPC with web3j 4.14 as an unmodified Ethereum client. */
class Web3jClientIT {
    private static L2Node node;
    private static Web3j web3;
    private static final long CHAIN = 31337;
    private static final BigInteger GWEI = BigInteger.TEN.pow(9);

    @BeforeAll
    static void start() {
        node = L2Node.builder().dev(true).rpcPort(0).build();
        web3 = Web3j.build(new HttpService(node.rpcUrl().orElseThrow()));
    }

    @AfterAll
    static void stop() {
        web3.shutdown();
        node.close();
    }

    private static String send(Credentials c, String to, BigInteger value, String data, long gas) throws Exception {
        BigInteger nonce = web3.ethGetTransactionCount(c.getAddress(), DefaultBlockParameterName.PENDING)
                .send()
                .getTransactionCount();
        RawTransaction raw = RawTransaction.createTransaction(
                CHAIN, nonce, BigInteger.valueOf(gas), to, value, data, GWEI, GWEI.multiply(BigInteger.TEN));
        String signed = Numeric.toHexString(TransactionEncoder.signMessage(raw, CHAIN, c));
        EthSendTransaction sent = web3.ethSendRawTransaction(signed).send();
        if (sent.hasError()) {
            throw new IllegalStateException(sent.getError().getMessage());
        }
        return sent.getTransactionHash();
    }

    @Test
    void transfersRegistersAndReadsBack() throws Exception {
        Credentials a = Credentials.create(node.devKeys().get(0).secret().toHex());
        Credentials b = Credentials.create(node.devKeys().get(1).secret().toHex());
        assertThat(web3.ethChainId().send().getChainId()).isEqualTo(BigInteger.valueOf(CHAIN));
        assertThat(web3.netVersion().send().getNetVersion()).isEqualTo("31337");
        assertThat(web3.web3ClientVersion().send().getWeb3ClientVersion()).startsWith("OpenLedger/");
        BigInteger before = web3.ethGetBalance(b.getAddress(), DefaultBlockParameterName.LATEST)
                .send()
                .getBalance();

        String h = send(a, b.getAddress(), BigInteger.TEN.pow(18), "0x", 21_000);
        TransactionReceipt r =
                web3.ethGetTransactionReceipt(h).send().getTransactionReceipt().orElseThrow();
        assertThat(r.isStatusOK()).isTrue();
        assertThat(r.getGasUsed()).isEqualTo(BigInteger.valueOf(21_000));
        assertThat(web3.ethGetBalance(b.getAddress(), DefaultBlockParameterName.LATEST)
                        .send()
                        .getBalance())
                .isEqualTo(before.add(BigInteger.TEN.pow(18)));
        assertThat(web3.ethGetTransactionByHash(h)
                        .send()
                        .getTransaction()
                        .orElseThrow()
                        .getFrom())
                .isEqualTo(a.getAddress());
        var block = web3.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, true)
                .send()
                .getBlock();
        assertThat(block.getTransactions()).hasSize(2);
        assertThat(block.getStateRoot())
                .isEqualTo(node.head().header().stateRoot().toHex());

        Function register = new Function(
                "registerModel",
                List.of(
                        new Bytes32(new byte[32]),
                        new Bytes32(new byte[32]),
                        new DynamicArray<>(Bytes32.class, List.of()),
                        new Utf8String("ipfs://w3")),
                List.of());
        String h2 = send(
                a, SystemAddresses.MODEL_REGISTRY.toHex(), BigInteger.ZERO, FunctionEncoder.encode(register), 300_000);
        TransactionReceipt r2 =
                web3.ethGetTransactionReceipt(h2).send().getTransactionReceipt().orElseThrow();
        assertThat(r2.isStatusOK()).isTrue();
        assertThat(r2.getLogs()).hasSize(1);

        Function ownerOf = new Function("ownerOf", List.of(new Uint256(1)), List.of(new TypeReference<Address>() {}));
        String out = web3.ethCall(
                        Transaction.createEthCallTransaction(
                                a.getAddress(),
                                SystemAddresses.MODEL_REGISTRY.toHex(),
                                FunctionEncoder.encode(ownerOf)),
                        DefaultBlockParameterName.LATEST)
                .send()
                .getValue();
        assertThat(FunctionReturnDecoder.decode(out, ownerOf.getOutputParameters())
                        .getFirst()
                        .getValue())
                .isEqualTo(a.getAddress());

        var logs = web3.ethGetLogs(new EthFilter(
                        DefaultBlockParameterName.EARLIEST,
                        DefaultBlockParameterName.LATEST,
                        SystemAddresses.MODEL_REGISTRY.toHex()))
                .send()
                .getLogs();
        assertThat(logs).hasSize(1);

        var sent = web3.ethSendRawTransaction("0x02c0").send();
        assertThat(sent.hasError()).isTrue();
        var again = web3.ethGetTransactionCount(a.getAddress(), DefaultBlockParameterName.LATEST)
                .send();
        RawTransaction stale = RawTransaction.createEtherTransaction(
                CHAIN,
                BigInteger.ZERO,
                BigInteger.valueOf(21_000),
                b.getAddress(),
                BigInteger.ONE,
                GWEI,
                GWEI.multiply(BigInteger.TEN));
        var low = web3.ethSendRawTransaction(Numeric.toHexString(TransactionEncoder.signMessage(stale, CHAIN, a)))
                .send();
        assertThat(low.getError().getMessage()).startsWith("nonce too low");
        assertThat(again.getTransactionCount()).isEqualTo(BigInteger.TWO);
        var proof = web3.ethGetProof(a.getAddress(), List.of(), "latest").send();
        assertThat(proof.getProof().getAccountProof()).isNotEmpty();
    }
}
