package io.openledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TokenCommandTest {
    @Test
    void benchPrintsOneJsonLineWithConservation() {
        String line = TokenCommand.run(4_000, 1000, null);
        assertThat(line)
                .startsWith("{\"transfers_per_s_memory\":")
                .contains("\"transfers_per_s_durable\":")
                .contains("\"batch_size\":1000")
                .contains("\"supply_conserved\":true");
        assertThat(new CommandLine(new TokenCommand())
                        .execute("bench", "--json", "--transfers", "10", "--batch-size", "100"))
                .isNotZero();
    }
}
