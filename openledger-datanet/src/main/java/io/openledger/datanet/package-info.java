/** Public API of the datanet module. */
@NullMarked
package io.openledger.datanet;

import org.jspecify.annotations.NullMarked;
