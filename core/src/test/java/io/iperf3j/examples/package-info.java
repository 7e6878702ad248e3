/**
 * The README's library examples, run as written ({@code ReadmeExamplesTest}).
 */
package io.iperf3j.examples;
