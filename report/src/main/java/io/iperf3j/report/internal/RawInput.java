package io.iperf3j.report.internal;

/**
 * An input exactly as read, kept to embed in the page for tools: plain text when small, else
 * gzip (then base64 in the page) so an hour of {@code -i 0.1} stays a file people can mail.
 *
 * @param mediaType application/json (a -J document) or application/x-ndjson (--json-stream)
 * @param bytes the text's UTF-8 bytes, or their gzip when {@code gzipped}
 * @param gzipped whether {@code bytes} is gzip
 * @param originalSize the size of the text in bytes
 */
public record RawInput(String mediaType, byte[] bytes, boolean gzipped, long originalSize) {
}
