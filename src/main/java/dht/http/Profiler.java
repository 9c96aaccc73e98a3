package dht.http;

import dht.cluster.Threads;
import one.nio.http.Response;
import one.profiler.AsyncProfiler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Records flamegraphs of this JVM with async-profiler's Java API for {@code /v0/admin/profile}.
 * One recording at a time, on its own thread, so a request that asks for a minute holds neither
 * a selector nor a worker.
 */
final class Profiler {
    static final int MAX_SECONDS = 300;

    /**
     * What to sample, at async-profiler's default rates: cpu every 10 ms of CPU time. Sampling cpu
     * every millisecond was measured to push a loaded node's p99 from tens of milliseconds to seconds.
     */
    enum Event {
        CPU("cpu"), ALLOC("alloc"), LOCK("lock");

        final String options;

        Event(String options) {
            this.options = options;
        }

        static Event of(String name) {
            for (Event event : values()) {
                if (event.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return event;
                }
            }
            return null;
        }
    }

    private final ExecutorService thread = Executors.newSingleThreadExecutor(Threads.daemon("profiler"));
    private final AtomicBoolean busy = new AtomicBoolean();

    /** Records for {@code seconds}, then hands the answer to {@code done}; false if a recording is running. */
    boolean record(Event event, int seconds, Consumer<Response> done) {
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        thread.execute(() -> {
            try {
                done.accept(flamegraph(event, seconds));
            } finally {
                busy.set(false);
            }
        });
        return true;
    }

    private static Response flamegraph(Event event, int seconds) {
        AsyncProfiler profiler;
        try {
            profiler = AsyncProfiler.getInstance();
        } catch (LinkageError | IllegalStateException e) {
            return Responses.text(Response.NOT_IMPLEMENTED, "async-profiler cannot load on this platform: " + e);
        }
        try {
            profiler.execute("start,event=" + event.options);
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            return Responses.text(Response.CONFLICT, "cannot start async-profiler (is another profiling session running?): "
                    + e.getMessage());
        }
        try {
            Thread.sleep(seconds * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the node is stopping: return what was recorded
        }
        try {
            Response response = new Response(Response.OK, profiler.execute("stop,flamegraph").getBytes(StandardCharsets.UTF_8));
            response.addHeader("Content-Type: text/html; charset=utf-8");
            return response;
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            return Responses.text(Response.INTERNAL_ERROR, "async-profiler failed: " + e.getMessage());
        }
    }

    void shutdown() {
        Threads.stopAndWait(thread);
    }
}
