/**
 * Tests started as their hosts come free: the dispatcher (one virtual thread per running test, the caller's
 * thread hands out the outcomes) and this controller's own host slots (lock files).
 */
package io.iperf3j.session.internal.dispatch;
