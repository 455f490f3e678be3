/** Implementation of the datanet module; not exported. */
@NullMarked
package io.openledger.datanet.internal;

import org.jspecify.annotations.NullMarked;
