package io.openledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.cli.demo.DemoContext;
import io.openledger.cli.demo.TokenStep;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.ContributorId;
import io.openledger.core.Hash;
import io.openledger.core.ModelId;
import io.openledger.core.contract.AttributionWeights;
import io.openledger.core.contract.InferenceRecord;
import io.openledger.core.contract.Settlement;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStepTest {
    @Test
    void tokenStepSettlesExactlyAndConservesSupply(@TempDir Path dir) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoContext ctx = new DemoContext(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);
        new TokenStep().run(ctx);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .contains("total supply 1000000000 OPEN")
                .contains("parts sum to the fee exactly: yes")
                .contains("moves nothing: yes")
                .contains("settled a batch of 200 inferences")
                .contains("= total supply: conserved")
                .doesNotContain("NO")
                .doesNotContain("NOT CONSERVED");
        Settlement.SettlementResult r = ctx.require(Settlement.SettlementResult.class);
        assertThat(r.payouts().values().stream().reduce(Amount.ZERO, Amount::add))
                .isEqualTo(r.fee());
    }

    @Test
    void usesTheRecordAndWeightsOfEarlierSteps(@TempDir Path dir) {
        ContributorId caller = ContributorId.of(Address.fromHex("0x00000000000000000000000000000000000000c1"));
        ContributorId other = ContributorId.of(Address.fromHex("0x00000000000000000000000000000000000000c2"));
        AttributionWeights w =
                AttributionWeights.ofShares(Map.of(caller, 250_000_000_000_000_000L, other, 750_000_000_000_000_000L));
        InferenceRecord rec = new InferenceRecord(
                Hash.fromHex("0x" + "ab".repeat(32)),
                ModelId.of("earlier-model"),
                null,
                caller.address(),
                List.of(1, 2, 3),
                List.of(4, 5, 6, 7),
                List.of(),
                new InferenceRecord.Timings(Duration.ZERO, Duration.ZERO, Duration.ZERO),
                Instant.EPOCH);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoContext ctx = new DemoContext(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);
        ctx.put(AttributionWeights.class, w);
        ctx.put(InferenceRecord.class, rec);
        new TokenStep().run(ctx);
        Settlement.SettlementResult r = ctx.require(Settlement.SettlementResult.class);
        assertThat(r.requestId()).isEqualTo(rec.requestId());
        assertThat(r.payouts()).containsKeys(caller.address(), other.address());
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("conserved").contains("(0.75)");
    }
}
