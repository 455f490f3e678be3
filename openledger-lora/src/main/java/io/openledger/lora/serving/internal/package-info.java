/** Implementation of the serving package: the batched CPU engine, the paged KV pool, the scheduler. */
@NullMarked
package io.openledger.lora.serving.internal;

import org.jspecify.annotations.NullMarked;
