package dht.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one wrk2 (or wrk) run with {@code --latency} printed: requests served per second, the
 * median and the 99th percentile, and the errors, non-2xx answers and socket errors together.
 */
record WrkOutput(long requests, double perSecond, double p50Millis, double p99Millis, long errors) {
    private static final Pattern REQUESTS = Pattern.compile("(?m)^\\s*(\\d+) requests in ");
    private static final Pattern RATE = Pattern.compile("(?m)^Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON_2XX = Pattern.compile("(?m)^\\s*Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET = Pattern.compile(
            "(?m)^\\s*Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    /** @throws IllegalArgumentException when the text holds no run's summary */
    static WrkOutput parse(String text) {
        Matcher requests = REQUESTS.matcher(text);
        Matcher rate = RATE.matcher(text);
        if (!requests.find() || !rate.find()) {
            throw new IllegalArgumentException("no summary of a run in wrk's output");
        }
        long errors = 0;
        Matcher non2xx = NON_2XX.matcher(text);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = SOCKET.matcher(text);
        if (socket.find()) {
            for (int group = 1; group <= 4; group++) {
                errors += Long.parseLong(socket.group(group));
            }
        }
        return new WrkOutput(Long.parseLong(requests.group(1)), Double.parseDouble(rate.group(1)),
                percentile(text, "50"), percentile(text, "99"), errors);
    }

    /** A percentile line of the latency distribution, in milliseconds, whatever unit wrk chose. */
    private static double percentile(String text, String percent) {
        Matcher line = Pattern.compile("(?m)^\\s*" + percent + "(?:\\.000)?%\\s+([0-9.]+)(us|ms|s|m)\\s*$").matcher(text);
        if (!line.find()) {
            throw new IllegalArgumentException("no " + percent + "th percentile in wrk's output; run it with --latency");
        }
        double value = Double.parseDouble(line.group(1));
        return switch (line.group(2)) {
            case "us" -> value / 1e3;
            case "ms" -> value;
            case "s" -> value * 1e3;
            default -> value * 60e3;
        };
    }
}
