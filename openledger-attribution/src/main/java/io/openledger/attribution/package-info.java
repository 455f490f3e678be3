/** Public API of the attribution module. */
@NullMarked
package io.openledger.attribution;

import org.jspecify.annotations.NullMarked;
