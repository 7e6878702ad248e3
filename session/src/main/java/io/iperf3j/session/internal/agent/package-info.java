/**
 * {@code iperf3j agent} (issue 69): one host of a fleet measuring by itself from the shared plan, with no controller. The
 * timetable every agent computes alike ({@link io.iperf3j.session.internal.agent.AgentTimetable}), the host it is
 * ({@link io.iperf3j.session.internal.agent.AgentHost}) and the loop that runs its tests beside its server
 * ({@link io.iperf3j.session.internal.agent.AgentLoop}). docs/design/agent.md says why.
 */
package io.iperf3j.session.internal.agent;
