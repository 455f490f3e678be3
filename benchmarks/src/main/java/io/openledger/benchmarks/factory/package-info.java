/** ModelFactory benchmarks: trainer throughput and DataInf cost. */
package io.openledger.benchmarks.factory;
