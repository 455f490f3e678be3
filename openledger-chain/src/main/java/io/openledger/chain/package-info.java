/** Public API of the chain module. */
@NullMarked
package io.openledger.chain;

import org.jspecify.annotations.NullMarked;
