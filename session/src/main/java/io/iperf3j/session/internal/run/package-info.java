/**
 * One test between two nodes ({@code PairSession}) and one plan ({@code PlanExecution}): the server, the
 * client, the verdict, and the stop. A plan dispatches on its caller's thread; each test runs on a virtual
 * thread; {@code stop()} may come from any thread.
 */
package io.iperf3j.session.internal.run;
