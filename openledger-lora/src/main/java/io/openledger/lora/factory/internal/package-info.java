/** Implementation of the trainer: the PyTorch (DJL) decoder, AdamW, schedules, checkpoints. */
@NullMarked
package io.openledger.lora.factory.internal;

import org.jspecify.annotations.NullMarked;
