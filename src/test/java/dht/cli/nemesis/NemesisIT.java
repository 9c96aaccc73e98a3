package dht.cli.nemesis;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The nemesis command end to end, as an operator runs it: node processes, faults, the history
 * checked. Partitions run where the machine gives network namespaces (root, iproute2, nftables:
 * .ci/run installs them); elsewhere the run says why it skipped them.
 */
class NemesisIT {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String JAR = System.getProperty("dht.jar", "target/dht.jar");
    private static final Pattern CHECKS = Pattern.compile("(?m)^checks: (.*)$");

    private final List<Path> outs = new ArrayList<>();

    @Test
    void aShortRunWithKillsStopsAndPartitionsKeepsEveryPromise() throws Exception {
        Path out = Files.createTempDirectory("dht-nemesis-test");
        outs.add(out);
        Run run = nemesis(out, "--duration", "30", "--faults", "kill,stop,partition", "--seed", "11", "--keys", "100");
        assertEquals(0, run.status, run.output);
        assertTrue(run.output.contains("result: PASS, no violation"), run.output);
        assertTrue(run.output.contains("faults: [kill, stop, partition]") || run.output.contains("skipped [partition]: "),
                "partitions ran, or the run said why not: " + run.output);
        List<String> history = Files.readAllLines(out.resolve("history.tsv"));
        assertTrue(history.size() > 1_000, "the clients kept working: " + history.size() + " operations");
        assertTrue(history.stream().anyMatch(line -> line.contains("\tDELETE\t") && line.contains("\tACK\t")));
        String summary = Files.readString(out.resolve("summary.txt"));
        assertTrue(summary.contains("schedule (start, length, fault):") && summary.contains(" kill node ")
                && summary.contains(" stop node "), summary);
        BufferedImage chart = ImageIO.read(out.resolve("chart.png").toFile());
        assertNotNull(chart, "chart.png is an image");
        assertTrue(chart.getWidth() >= 800 && chart.getHeight() >= 600);
    }

    @Test
    void theSelfTestReportsItsPlantedLostWriteAndUndoneDelete() throws Exception {
        Path out = Files.createTempDirectory("dht-nemesis-test");
        outs.add(out);
        Run run = nemesis(out, "--duration", "10", "--faults", "kill", "--seed", "3", "--keys", "50", "--self-test");
        assertEquals(1, run.status, run.output);
        Matcher checks = CHECKS.matcher(run.output);
        assertTrue(checks.find(), run.output);
        assertEquals("deadline 0; final read 0; future read 0; lost write 1; replicas disagree 0; stale read 0; "
                + "undone delete 1; unknown value 0", checks.group(1), run.output);
        assertTrue(run.output.contains("VIOLATION lost write, key ") && run.output.contains("VIOLATION undone delete, key "),
                run.output);
    }

    private record Run(int status, String output) {
    }

    private static Run nemesis(Path out, String... flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR, "nemesis", "--out", out.toString()));
        command.addAll(List.of(flags));
        Path log = out.resolve("nemesis.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(process.waitFor(240, TimeUnit.SECONDS), "the nemesis ended within 4 minutes");
        return new Run(process.exitValue(), Files.readString(log));
    }

    @AfterEach
    void deleteOutput() throws IOException {
        for (Path out : outs) {
            try (Stream<Path> files = Files.walk(out)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
