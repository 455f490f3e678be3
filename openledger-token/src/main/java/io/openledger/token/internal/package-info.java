/** Implementation of the token module: the key-value ledger, its record codec and helpers. Not exported. */
@NullMarked
package io.openledger.token.internal;

import org.jspecify.annotations.NullMarked;
