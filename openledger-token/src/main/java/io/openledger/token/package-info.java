/** Public API of the token module. */
@NullMarked
package io.openledger.token;

import org.jspecify.annotations.NullMarked;
