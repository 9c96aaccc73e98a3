package dht.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stop-the-world pauses that a node's {@code -Xlog:gc:file=F:time} log records within a time
 * window: how many, the longest, their sum, and how many passed the bench's 10 ms bar. Concurrent
 * phases are not pauses and are left out.
 */
record GcLog(int pauses, double maxMillis, double totalMillis, int over10Millis) {
    private static final Pattern PAUSE = Pattern.compile("(?m)^\\[([^]]+)]\\s.*\\bPause\\b.*\\s([0-9.]+)ms\\s*$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /** The JVM option that makes a node write the log this reads. */
    static String option(String file) {
        return "-Xlog:gc:file=" + file + ":time";
    }

    static GcLog parse(String text, Instant from, Instant to) {
        int pauses = 0;
        int over = 0;
        double max = 0;
        double total = 0;
        Matcher line = PAUSE.matcher(text);
        while (line.find()) {
            Instant at;
            try {
                at = OffsetDateTime.parse(line.group(1), TIME).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("a GC log line without a time: run the JVM with " + option("F"), e);
            }
            if (at.isBefore(from) || at.isAfter(to)) {
                continue;
            }
            double millis = Double.parseDouble(line.group(2));
            pauses++;
            total += millis;
            max = Math.max(max, millis);
            if (millis > 10) {
                over++;
            }
        }
        return new GcLog(pauses, max, total, over);
    }

    @Override
    public String toString() {
        return String.format("%d pauses, longest %.2f ms, %.1f ms in all, %d over 10 ms", pauses, maxMillis, totalMillis,
                over10Millis);
    }
}
