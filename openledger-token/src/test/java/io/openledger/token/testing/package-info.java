/**
 * Test kit for {@link io.openledger.token.Ledger} implementations: a naive reference model and the
 * model-based contract properties. Published in this module's test-jar.
 */
@NullMarked
package io.openledger.token.testing;

import org.jspecify.annotations.NullMarked;
