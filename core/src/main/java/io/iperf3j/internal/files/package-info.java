/**
 * Files iperf3j writes for other programs to read while it runs (a metrics file a scraper
 * reads, a report a browser reloads): written whole, then put in place, so no reader ever sees
 * half of one. Qualified-exported to the export and report modules, which write such files.
 */
package io.iperf3j.internal.files;
