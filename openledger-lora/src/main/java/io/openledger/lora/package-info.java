/** Public API of the lora module. */
@NullMarked
package io.openledger.lora;

import org.jspecify.annotations.NullMarked;
