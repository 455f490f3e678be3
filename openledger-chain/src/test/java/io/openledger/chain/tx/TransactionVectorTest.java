package io.openledger.chain.tx;

import static io.openledger.chain.tx.InvalidTransactionException.Reason.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.testing.Vectors;
import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file under ethereum/tests TransactionTests: each case is checked for the latest fork its
 * file lists (Cancun, Shanghai or London) on chain id 1. Accepted cases must give the expected hash,
 * sender and intrinsic gas and re-encode to the same bytes; rejected cases must be rejected. No case is
 * skipped.
 */
class TransactionVectorTest {
    private static final List<String> FORK_ORDER = List.of("London", "Paris", "Shanghai", "Cancun", "Prague");
    private static final AtomicInteger ACCEPTED = new AtomicInteger();
    private static final AtomicInteger REJECTED = new AtomicInteger();
    private static final AtomicInteger FILES = new AtomicInteger();

    @TestFactory
    Stream<DynamicTest> everyTransactionTestFile() {
        List<Path> files = Vectors.jsonFiles("TransactionTests");
        assertThat(files).hasSizeGreaterThanOrEqualTo(200);
        return files.stream()
                .map(f ->
                        DynamicTest.dynamicTest(f.getParent().getFileName() + "/" + f.getFileName(), () -> runFile(f)));
    }

    @AfterAll
    static void summary() {
        System.out.printf(
                "TransactionTests: %d files, %d cases accepted with matching hash/sender/intrinsic gas, %d rejected as expected%n",
                FILES.get(), ACCEPTED.get(), REJECTED.get());
        assertThat(FILES.get()).isGreaterThanOrEqualTo(200);
    }

    /** Our reasons that agree with an ethereum/tests exception name (ours are coarser). */
    private static java.util.Set<InvalidTransactionException.Reason> compatible(String expected) {
        var R = java.util.EnumSet.noneOf(InvalidTransactionException.Reason.class);
        if (expected.startsWith("RLP_")) {
            R.addAll(List.of(MALFORMED, WRONG_FIELD_COUNT, BAD_LENGTH, TYPE_NOT_SUPPORTED));
        } else if (expected.startsWith("ADDRESS_TOO")) {
            R.add(BAD_LENGTH);
        } else if (expected.equals("GASLIMIT_PRICE_PRODUCT_OVERFLOW")) {
            R.add(FEE_OVERFLOW);
        } else if (expected.endsWith("_OVERFLOW")) {
            R.addAll(List.of(FIELD_OVERFLOW, MALFORMED));
        } else {
            switch (expected) {
                case "INVALID_CHAINID" -> R.add(INVALID_CHAIN_ID);
                case "INVALID_SIGNATURE_VRS" -> R.addAll(List.of(INVALID_SIGNATURE, FIELD_OVERFLOW, INVALID_CHAIN_ID));
                case "EC_RECOVERY_FAIL" -> R.addAll(List.of(RECOVERY_FAILED, INVALID_SIGNATURE));
                case "NONCE_TOO_BIG" -> R.add(NONCE_TOO_BIG);
                case "INTRINSIC_GAS_TOO_LOW" -> R.add(INTRINSIC_GAS_TOO_LOW);
                case "INITCODE_SIZE_EXCEEDED" -> R.add(INITCODE_TOO_LARGE);
                case "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2" -> R.add(PRIORITY_ABOVE_MAX_FEE);
                case "TYPE_NOT_SUPPORTED" -> R.add(TYPE_NOT_SUPPORTED);
                default -> throw new AssertionError("unmapped exception " + expected);
            }
        }
        return R;
    }

    private static void runFile(Path file) {
        JsonNode json = Vectors.read(file);
        int accepted = 0;
        int rejected = 0;
        for (Map.Entry<String, JsonNode> c : json.properties()) {
            JsonNode result = c.getValue().get("result");
            String fork = FORK_ORDER.reversed().stream()
                    .filter(result::has)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(c.getKey() + ": no London-or-later fork"));
            JsonNode expected = result.get(fork);
            EthereumFork ef = EthereumFork.valueOf(fork.toUpperCase(java.util.Locale.ROOT));
            Bytes raw = Bytes.fromHex(c.getValue().get("txbytes").asText());
            String label = file.getFileName() + " / " + c.getKey() + " @ " + fork;
            Transaction tx;
            Address sender;
            try {
                tx = Transactions.decode(raw);
                sender = Transactions.validate(tx, 1, ef);
            } catch (InvalidTransactionException e) {
                if (!expected.has("exception")) {
                    fail(label + ": expected valid, rejected with " + e.getMessage());
                }
                String want = expected.get("exception").asText().replace("TransactionException.", "");
                assertThat(compatible(want))
                        .as(label + ": " + want + " vs " + e.getMessage())
                        .contains(e.reason());
                rejected++;
                continue;
            }
            if (expected.has("exception")) {
                fail(label + ": expected " + expected.get("exception").asText() + ", but accepted from " + sender);
            }
            assertThat(tx.hash())
                    .as(label + " hash")
                    .isEqualTo(Hash.fromHex(expected.get("hash").asText()));
            assertThat(sender)
                    .as(label + " sender")
                    .isEqualTo(Address.fromHex(expected.get("sender").asText()));
            assertThat(Transactions.intrinsicGas(tx, ef))
                    .as(label + " intrinsic gas")
                    .isEqualTo(Long.decode(expected.get("intrinsicGas").asText()));
            assertThat(tx.encode()).as(label + " re-encoding").isEqualTo(raw);
            accepted++;
        }
        assertThat(accepted + rejected).as(file + " cases").isPositive();
        System.out.printf(
                "  %-60s %d accepted, %d rejected%n",
                file.getParent().getFileName() + "/" + file.getFileName(), accepted, rejected);
        ACCEPTED.addAndGet(accepted);
        REJECTED.addAndGet(rejected);
        FILES.incrementAndGet();
    }
}
