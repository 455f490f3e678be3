/** The researchers' evaluation harness behind {@code openledger attribution eval}. */
@NullMarked
package io.openledger.cli.eval;

import org.jspecify.annotations.NullMarked;
