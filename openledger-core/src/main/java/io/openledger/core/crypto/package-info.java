/** See the module documentation; everything here is non-null unless marked {@code @Nullable}. */
@NullMarked
package io.openledger.core.crypto;

import org.jspecify.annotations.NullMarked;
