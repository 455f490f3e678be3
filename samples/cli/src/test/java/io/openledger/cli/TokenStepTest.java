package io.openledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.cli.demo.DemoContext;
import io.openledger.cli.demo.TokenStep;
import io.openledger.core.Amount;
import io.openledger.core.contract.Settlement;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
}
