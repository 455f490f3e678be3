package io.openledger.cli;

import io.openledger.cli.datanet.DatanetCommand;
import io.openledger.cli.demo.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code openledger} command: one program, one subcommand per module. */
@Command(
        name = "openledger",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "OpenLedger for Java: attributable, payable AI on an embeddable toolkit.",
        subcommands = {
            VersionCommand.class,
            DemoCommand.class,
            DatanetCommand.class,
            LoraCommand.class,
            FactoryCommand.class,
            AttributionCommand.class,
            TokenCommand.class,
            ChainCommand.class,
            NodeCommand.class,
            CommandLine.HelpCommand.class
        })
public final class OpenLedgerCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit status (for tests and embedding). */
    public static int execute(String... args) {
        return new CommandLine(new OpenLedgerCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }
}
