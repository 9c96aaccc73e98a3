package dht.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How far one handoff stream got, as its target reports it to the change's driver: a line of
 * text per stream, {@code source target arcs keys bytes estimatedKeys state}.
 *
 * @param arcs the arcs the stream carries
 * @param keys the records received and stored so far
 * @param bytes their bytes, keys and encoded records
 * @param estimatedKeys what the source expected to send, or -1 before it said
 * @param state {@code waiting}, {@code streaming}, {@code done}, or {@code retrying} after a failure
 */
public record HandoffProgress(String source, String target, int arcs, long keys, long bytes, long estimatedKeys,
                              String state) {

    public boolean done() {
        return state.equals("done");
    }

    public static byte[] encode(List<HandoffProgress> streams) {
        StringBuilder out = new StringBuilder();
        for (HandoffProgress p : streams) {
            out.append(p.source).append(' ').append(p.target).append(' ').append(p.arcs).append(' ').append(p.keys)
                    .append(' ').append(p.bytes).append(' ').append(p.estimatedKeys).append(' ').append(p.state).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @throws IllegalArgumentException when a line is no stream's */
    public static List<HandoffProgress> decode(byte[] body) {
        List<HandoffProgress> streams = new ArrayList<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split(" ");
            if (words.length != 7) {
                throw new IllegalArgumentException("a bad progress line '" + line + "'");
            }
            streams.add(new HandoffProgress(words[0], words[1], Integer.parseInt(words[2]), Long.parseLong(words[3]),
                    Long.parseLong(words[4]), Long.parseLong(words[5]), words[6]));
        }
        return streams;
    }
}
