/**
 * The YAML plan reader: every mistake with its line and column, before anything runs. Pure.
 */
package io.iperf3j.session.internal.plan;
