/** Implementation details of the chain module; not exported and not API. */
@NullMarked
package io.openledger.chain.internal;

import org.jspecify.annotations.NullMarked;
