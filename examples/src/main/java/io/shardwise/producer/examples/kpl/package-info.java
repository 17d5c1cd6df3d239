/**
 * A KPL migration, before and after: {@link io.shardwise.producer.examples.kpl.KplBefore} on the KPL 1.1.1
 * (compile-only), {@link io.shardwise.producer.examples.kpl.KplAfter} on Shardwise with the same KPL
 * properties file. {@code docs/migrating-from-kpl.md} walks through it.
 */
package io.shardwise.producer.examples.kpl;
