package dht.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java client in a process of its own: a range far larger than its heap streams through it. */
class DhtClientProcessIT {
    private NodeProcesses cluster;

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void rangeOf220MiB_streamsThroughAClientWithA32MiBHeap() throws Exception {
        cluster = new NodeProcesses(2);
        cluster.startAll();
        List<String> urls = cluster.urls;
        byte[] value = new byte[1 << 20];
        new Random(32).nextBytes(value);
        int count = 220;
        for (int i = 0; i < count; i++) {
            assertEquals(201, Http.put(urls.get(i % 2) + "/v0/entity?id=" + String.format("c%03d", i) + "&ack=1&from=1",
                    value).statusCode());
        }
        String classPath = System.getProperty("dht.jar", "target/dht.jar") + java.io.File.pathSeparator
                + Path.of("target", "test-classes");
        Process client = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-cp", classPath, "dht.client.RangeDrain", urls.get(0), "c")
                .redirectErrorStream(true).start();
        assertTrue(client.waitFor(120, TimeUnit.SECONDS), "the client finished");
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, client.exitValue(), output);
        assertTrue(output.contains("entries " + count + " bytes " + (long) count * value.length), output);
    }
}
