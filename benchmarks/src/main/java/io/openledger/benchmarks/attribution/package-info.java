/** Attribution benchmarks and the evaluation harness. */
package io.openledger.benchmarks.attribution;
