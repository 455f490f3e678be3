/** The {@code openledger datanet} command. */
package io.openledger.cli.datanet;
