/** Implementation of the lora module: kernels, weight layouts, tokenizer internals. Not exported. */
@NullMarked
package io.openledger.lora.internal;

import org.jspecify.annotations.NullMarked;
