import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shares of an async-profiler HTML flamegraph's samples by part of dht, so that REPORT.md's
 * tables can be recomputed from the committed flamegraphs:
 *
 * <pre>java profiling/Shares.java profiling/2026-12-02-get/cpu.html</pre>
 *
 * A sample counts for a part when any frame of its stack matches the part's pattern; a stack
 * that matches two parts counts for both, so the shares may add up to more than 100%.
 */
public class Shares {
    private static final Map<String, Pattern> PARTS = new LinkedHashMap<>();

    static {
        part("request parsing and routing", "HttpSession\\.processHttpBuffer|HttpSession\\.parseRequest|dht/http/QueryParams|dht/http/DhtServer\\.handleRequest");
        part("storage (RocksDB)", "org/rocksdb/|rocksdb::|dht/storage/");
        part("peer calls (PeerClient, PeerLoop, PeerConnection)", "dht/cluster/Peer");
        part("coordinator (quorum, merge, futures)", "dht/coordinator/|CompletableFuture");
        part("responses to clients (one-nio session writes)", "HttpSession\\.sendResponse|one/nio/net/Session\\.write");
        part("selector threads, all their work (parsing, routing, status, metrics)", "one/nio/server/SelectorThread\\.run");
        part("waiting for readiness (select, epoll)", "JavaSelector\\.select|SelectorImpl\\.select|EPoll|epoll_wait");
        part("socket reads and writes", "SocketChannelImpl\\.(read|write)|__GI_write|__libc_read|writev");
        part("synchronisation (park, unpark, locks, monitors)", "LockSupport\\.|Unsafe\\.park|Unsafe\\.unpark|ObjectMonitor|futex|pthread_cond|ReentrantLock|AbstractQueuedSynchronizer");
        part("worker pool hand-off (queueing, waking)", "ThreadPoolExecutor\\.getTask|ThreadPoolExecutor\\.execute|ArrayBlockingQueue");
        part("metrics", "io/prometheus/|dht/http/RequestMetrics");
        part("garbage collection", "G1|GCTaskThread|gc_|GarbageCollect");
        part("JIT compiler", "CompileBroker|C2Compiler|Compile::|C1_|Compilation::");
    }

    private static void part(String name, String regex) {
        PARTS.put(name, Pattern.compile(regex));
    }

    private record Frame(int level, long left, long width, String title) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java profiling/Shares.java FLAMEGRAPH.html");
            System.exit(2);
        }
        List<Frame> frames = frames(Files.readString(Path.of(args[0])));
        long total = frames.stream().filter(f -> f.level() == 0).mapToLong(Frame::width).sum();
        System.out.printf("%s: %,d samples%n", args[0], total);
        for (Map.Entry<String, Pattern> part : PARTS.entrySet()) {
            System.out.printf("%6.1f%%  %s%n", 100.0 * covered(frames, part.getValue()) / total, part.getKey());
        }
    }

    /** Samples under frames that match: the union of their [left, left + width) spans. */
    private static long covered(List<Frame> frames, Pattern pattern) {
        List<long[]> spans = new ArrayList<>();
        for (Frame frame : frames) {
            if (pattern.matcher(frame.title()).find()) {
                spans.add(new long[] {frame.left(), frame.left() + frame.width()});
            }
        }
        spans.sort((a, b) -> Long.compare(a[0], b[0]));
        long sum = 0;
        long end = Long.MIN_VALUE;
        for (long[] span : spans) {
            long start = Math.max(span[0], end);
            if (span[1] > start) {
                sum += span[1] - start;
                end = span[1];
            }
        }
        return sum;
    }

    /** Replays the page's f/u/n calls, which lay out every frame of the graph. */
    private static List<Frame> frames(String html) {
        List<String> pool = constantPool(html);
        List<Frame> frames = new ArrayList<>();
        Matcher call = Pattern.compile("(?m)^([fun])\\(([^)]*)\\)$").matcher(html);
        int level = 0;
        long left = 0;
        long width = 0;
        while (call.find()) {
            String[] a = call.group(2).split(",");
            int key = Integer.parseInt(a[0].strip());
            switch (call.group(1)) {
                case "f" -> {
                    level = Integer.parseInt(a[1].strip());
                    left += Long.parseLong(a[2].strip());
                    width = a.length > 3 && !a[3].isBlank() ? Long.parseLong(a[3].strip()) : width;
                }
                case "u" -> {
                    level++;
                    width = a.length > 1 && !a[1].isBlank() ? Long.parseLong(a[1].strip()) : width;
                }
                default -> {
                    left += width;
                    width = a.length > 1 && !a[1].isBlank() ? Long.parseLong(a[1].strip()) : width;
                }
            }
            frames.add(new Frame(level, left, width, pool.get(key >>> 3)));
        }
        return frames;
    }

    /** The page's frame names: each entry shares a prefix with the one before, as unpack() restores. */
    private static List<String> constantPool(String html) {
        int start = html.indexOf("cpool = [");
        int end = html.indexOf("];", start);
        Matcher literal = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'").matcher(html.substring(start, end));
        List<String> pool = new ArrayList<>();
        while (literal.find()) {
            String text = literal.group(1).replace("\\'", "'").replace("\\\\", "\\");
            if (pool.isEmpty()) {
                pool.add(text);
            } else {
                String previous = pool.get(pool.size() - 1);
                pool.add(previous.substring(0, text.charAt(0) - 32) + text.substring(1));
            }
        }
        return pool;
    }
}
