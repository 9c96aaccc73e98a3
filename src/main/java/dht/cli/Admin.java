package dht.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code dht.jar admin join|leave|remove|abort|status}: an operator's membership changes through any
 * member's admin endpoints, and a progress bar while the change runs, read from the cluster
 * report of the change's driver. Ends when the change is done (0), when it was refused (1), or
 * when no member answers for a minute (1).
 */
final class Admin {
    private static final Map<String, String[]> FLAGS = new LinkedHashMap<>();
    private static final List<String> COMMANDS = List.of("join", "leave", "remove", "abort", "status");
    private static final long POLL_MILLIS = 500;
    private static final long SILENCE_MILLIS = 60_000;
    private static final int BAR = 30;

    static {
        FLAGS.put("url", new String[] {"URL", "the member to add, let go or remove"});
        FLAGS.put("via", new String[] {"URL", "any member, whose admin endpoints the command uses (default http://localhost:8080)"});
        FLAGS.put("admin-token", new String[] {"TOKEN", "sent as Authorization: Bearer TOKEN, for a member beyond loopback"});
        FLAGS.put("no-wait", new String[] {"", "return once the change began instead of following it to its end"});
        FLAGS.put("help", new String[] {"", "print this help and exit"});
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String via;
    private final String token;
    private final PrintStream out;

    private Admin(String via, String token, PrintStream out) {
        this.via = via;
        this.token = token;
        this.out = out;
    }

    /** Returns the process exit status. */
    static int run(List<String> args) {
        String usage = "usage: java -jar dht.jar admin join|leave|remove|abort|status [--url URL] [--via MEMBER_URL] [flags]\n";
        if (args.isEmpty() || !COMMANDS.contains(args.get(0))) {
            System.err.print(usage + Flags.help("", FLAGS));
            return 2;
        }
        try {
            Flags flags = new Flags(FLAGS, args.subList(1, args.size()));
            if (flags.has("help")) {
                System.out.print(Flags.help(usage, FLAGS));
                return 0;
            }
            Admin admin = new Admin(flags.string("via", "http://localhost:8080"), flags.string("admin-token", null), System.out);
            String command = args.get(0);
            if (command.equals("status")) {
                return admin.status();
            }
            if (command.equals("abort")) {
                return admin.abort();
            }
            String url = flags.string("url", null);
            if (url == null) {
                throw new UsageException("admin " + command + " needs --url, the member to " + command);
            }
            return admin.change(command, url, !flags.bool("no-wait"));
        } catch (UsageException e) {
            System.err.println("dht admin: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("dht admin: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int abort() throws IOException, InterruptedException {
        HttpResponse<String> answer = send("POST", via + "/v0/admin/abort");
        out.println(answer.statusCode() + ": " + answer.body().strip());
        return answer.statusCode() == 202 ? 0 : 1;
    }

    private int change(String command, String url, boolean follow) throws IOException, InterruptedException {
        HttpResponse<String> answer = send("POST", via + "/v0/admin/" + command + "?url="
                + URLEncoder.encode(url, StandardCharsets.UTF_8));
        out.println(answer.statusCode() + ": " + answer.body().strip());
        if (answer.statusCode() != 202) {
            return 1;
        }
        return follow ? follow() : 0;
    }

    /** Draws the progress of the change under way until it ends. */
    private int follow() throws IOException, InterruptedException {
        long heard = System.currentTimeMillis();
        String driver = null;
        while (true) {
            String report;
            try {
                report = get((driver == null ? via : driver) + "/v0/cluster");
                heard = System.currentTimeMillis();
            } catch (IOException e) {
                if (System.currentTimeMillis() - heard > SILENCE_MILLIS) {
                    throw new IOException("no answer from " + (driver == null ? via : driver) + " for a minute: " + e.getMessage());
                }
                driver = null; // ask the member given instead
                Thread.sleep(POLL_MILLIS);
                continue;
            }
            String change = object(report, "change");
            if (change == null) {
                out.println();
                String last = object(report, "lastChange");
                out.println("done: epoch " + number(report, "epoch")
                        + (last == null ? "" : ", " + number(last, "keys") + " records, " + number(last, "bytes") + " bytes in "
                        + (number(last, "streamedMillis") - number(last, "streamingMillis")) + " ms of streaming ("
                        + number(last, "keysPerSecond") + " records/s, " + text(last, "megabytesPerSecond") + " MB/s)"));
                return 0;
            }
            driver = text(change, "driver");
            out.print("\r" + bar(change));
            out.flush();
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** One line: the phase, a bar of the records streamed against the estimate, the rate, the end expected. */
    static String bar(String change) {
        long keys = number(change, "keysStreamed");
        long expected = number(change, "estimatedKeys");
        double share = expected > 0 ? Math.min(1, (double) keys / expected) : 0;
        int filled = (int) Math.round(share * BAR);
        long end = number(change, "estimatedEndMillis");
        String waiting = change.replaceAll("(?s).*\"waitingFor\":\\[([^]]*)].*", "$1").replace("\"", "");
        return String.format(Locale.ROOT, "%s %s [%s%s] %3.0f%% %,d/%s records, %,d bytes%s%s",
                text(change, "kind"), text(change, "phase"), "#".repeat(filled), ".".repeat(BAR - filled), share * 100, keys,
                expected < 0 ? "?" : String.format(Locale.ROOT, "%,d", expected), number(change, "bytesStreamed"),
                end > 0 ? String.format(Locale.ROOT, ", ~%d s left", Math.max(0, end - System.currentTimeMillis()) / 1000) : "",
                waiting.isEmpty() ? "" : ", waiting for " + waiting);
    }

    private int status() throws IOException, InterruptedException {
        String report = get(via + "/v0/cluster");
        out.println("epoch " + number(report, "epoch") + ", " + number(report, "replicas") + " replicas");
        Matcher member = Pattern.compile("\\{\"url\":\"([^\"]+)\",\"state\":\"([^\"]+)\",\"share\":([0-9.]+),\"nextShare\":([0-9.]+)}")
                .matcher(report);
        while (member.find()) {
            out.printf(Locale.ROOT, "  %-32s %-8s share %s -> %s%n", member.group(1), member.group(2), member.group(3), member.group(4));
        }
        String change = object(report, "change");
        out.println(change == null ? "no change under way" : bar(change));
        return 0;
    }

    private String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> answer = send("GET", url);
        if (answer.statusCode() != 200) {
            throw new IOException(url + " answered " + answer.statusCode() + ": " + answer.body().strip());
        }
        return answer.body();
    }

    private HttpResponse<String> send(String method, String url) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON object under the name in a flat report (one level of nesting inside it), or null. */
    private static String object(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":(null|\\{(?:[^{}]|\\{[^{}]*})*})").matcher(json);
        return matcher.find() && !matcher.group(1).equals("null") ? matcher.group(1) : null;
    }

    private static long number(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private static String text(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(json);
        return matcher.find() ? matcher.group(1) : "";
    }
}
