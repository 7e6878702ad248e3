package io.iperf3j.session.internal.agent;

import io.iperf3j.session.internal.plan.PlanFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A plan's bytes from an {@code http://} or {@code https://} URL (an agent's {@code --plan URL}, issue 69), asked again with
 * {@code If-None-Match} and the {@code ETag} last got, so that an unchanged plan costs a 304. Its limits: a connection within
 * {@link #CONNECT}, the whole answer (redirects, headers and body) within the caller's deadline, at most
 * {@link PlanFile#MAX_BYTES} of body (as a plan file), at most {@link #MAX_REDIRECTS} redirects and only to {@code http} or
 * {@code https}. Every failure is an {@link IOException} whose message names the URL and what went wrong (the status the
 * server answered, the deadline passed, the size): the caller keeps the plan it had.
 */
final class PlanFetch implements AutoCloseable {
    /** How long a connection may take. */
    static final Duration CONNECT = Duration.ofSeconds(5);
    /** Redirects followed at most. */
    static final int MAX_REDIRECTS = 5;

    /** What the server answered. */
    sealed interface Answer {
        /**
         * A plan's bytes.
         *
         * @param bytes the body, at most {@link PlanFile#MAX_BYTES}
         * @param etag its {@code ETag}, when the server gave one
         */
        record Body(byte[] bytes, Optional<String> etag) implements Answer {
        }

        /** 304: the plan has not changed since the {@code ETag} given. */
        record Unchanged() implements Answer {
        }
    }

    private final URI uri;
    private final long maxBytes;
    private final HttpClient client;

    /**
     * @param uri the plan's URL
     * @throws IllegalArgumentException when it is no {@code http} or {@code https} URL with a host
     */
    PlanFetch(URI uri) {
        this(uri, PlanFile.MAX_BYTES);
    }

    /** With another size limit (tests). */
    PlanFetch(URI uri, long maxBytes) {
        checkScheme(uri, uri);
        this.uri = uri;
        this.maxBytes = maxBytes;
        this.client = HttpClient.newBuilder().connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** True when {@code plan} is written as an {@code http://} or {@code https://} URL (any case). */
    static boolean isUrl(String plan) {
        String lower = plan.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    private static void checkScheme(URI at, URI asked) {
        String scheme = at.getScheme() == null ? "" : at.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || at.getHost() == null) {
            throw new IllegalArgumentException(asked + (at.equals(asked) ? "" : ": redirected to " + at)
                    + ": not an http:// or https:// URL with a host");
        }
    }

    /** The URL, as messages name it. */
    URI uri() {
        return uri;
    }

    /**
     * Asks for the plan: with {@code If-None-Match: etag} when given, so that an unchanged plan is {@link Answer.Unchanged}.
     *
     * @param deadline for the whole answer, redirects included
     * @throws IOException naming the URL and why: no connection, a status other than 200 (or 304 to an {@code etag}), the
     *         deadline passed, a body over the limit, too many redirects
     */
    Answer fetch(Optional<String> etag, Duration deadline) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        URI at = uri;
        for (int hop = 0;; hop++) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new IOException(uri + ": no whole answer within " + seconds(deadline));
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(at).timeout(Duration.ofNanos(left)).GET()
                    .header("Accept", "application/yaml, text/yaml, text/plain, */*");
            etag.ifPresent(e -> request.header("If-None-Match", e));
            HttpResponse<byte[]> r = send(request.build(), left, deadline);
            int status = r.statusCode();
            if (status == 200) {
                return new Answer.Body(r.body(), r.headers().firstValue("ETag"));
            }
            if (status == 304 && etag.isPresent()) {
                return new Answer.Unchanged();
            }
            Optional<String> location = r.headers().firstValue("Location");
            if (List.of(301, 302, 303, 307, 308).contains(status) && location.isPresent()) {
                if (hop == MAX_REDIRECTS) {
                    throw new IOException(uri + ": more than " + MAX_REDIRECTS + " redirects");
                }
                URI next;
                try {
                    next = at.resolve(location.get());
                } catch (IllegalArgumentException e) {
                    throw new IOException(uri + ": redirected to a location that is no URL: " + location.get());
                }
                try {
                    checkScheme(next, uri);
                } catch (IllegalArgumentException e) {
                    throw new IOException(e.getMessage());
                }
                at = next;
                continue;
            }
            throw new IOException(uri + ": the server answered " + status + (at.equals(uri) ? "" : " (at " + at + ")"));
        }
    }

    private HttpResponse<byte[]> send(HttpRequest request, long leftNanos, Duration deadline) throws IOException {
        CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(request, info -> info.statusCode() == 200
                ? new LimitedBody(maxBytes, info.headers().firstValueAsLong("Content-Length").orElse(-1))
                : HttpResponse.BodySubscribers.replacing(new byte[0]));
        try {
            return answer.get(leftNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new IOException(uri + ": no whole answer within " + seconds(deadline));
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(uri + ": interrupted");
        } catch (ExecutionException e) {
            throw new IOException(uri + ": " + why(e.getCause()), e.getCause());
        }
    }

    private String why(Throwable t) {
        return switch (t) {
            case TooLarge x -> "the plan is over " + maxBytes + " bytes";
            case HttpConnectTimeoutException x -> "no connection within " + seconds(CONNECT);
            case HttpTimeoutException x -> "no answer within the deadline";
            case ConnectException x -> "cannot connect: " + (x.getMessage() == null ? "connection refused" : x.getMessage());
            case IOException x when x.getCause() instanceof TooLarge -> "the plan is over " + maxBytes + " bytes";
            default -> t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        };
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** A body over the limit. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("over the limit");
        }
    }

    /** A 200's body, given up (and the exchange cancelled) as soon as it is over the limit, or says it will be. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final HttpResponse.BodySubscriber<byte[]> bytes = HttpResponse.BodySubscribers.ofByteArray();
        private final long limit;
        private final long declared;
        private Flow.Subscription subscription;
        private long seen;
        private boolean over;

        LimitedBody(long limit, long declared) {
            this.limit = limit;
            this.declared = declared;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return bytes.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            bytes.onSubscribe(s);
            if (declared > limit) {
                giveUp();
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (over) {
                return;
            }
            for (ByteBuffer b : items) {
                seen += b.remaining();
            }
            if (seen > limit) {
                giveUp();
                return;
            }
            bytes.onNext(items);
        }

        private void giveUp() {
            over = true;
            subscription.cancel();
            bytes.onError(new TooLarge());
        }

        @Override
        public void onError(Throwable t) {
            if (!over) {
                bytes.onError(t);
            }
        }

        @Override
        public void onComplete() {
            if (!over) {
                bytes.onComplete();
            }
        }
    }

    /** Closes the HTTP client at once: an answer still awaited (its deadline not passed) is cut, never waited for. */
    @Override
    public void close() {
        client.shutdownNow();
    }
}
