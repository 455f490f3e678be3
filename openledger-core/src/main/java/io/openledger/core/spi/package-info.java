/** See the module documentation; everything here is non-null unless marked {@code @Nullable}. */
@NullMarked
package io.openledger.core.spi;

import org.jspecify.annotations.NullMarked;
