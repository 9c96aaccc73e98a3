package dht.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clients with --tokens-file: every request needs a token whose role covers it; tokens rotate by editing the file. */
class TokensIT {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private static int status(String method, String url, String token) {
        byte[] body = method.equals("PUT") ? "v".getBytes(StandardCharsets.UTF_8) : null;
        HttpResponse<byte[]> response = token == null ? Http.send(method, url, body)
                : Http.send(method, url, body, "Authorization", "Bearer " + token);
        return response.statusCode();
    }

    @Test
    void everyClientRequest_needsATokenWithTheRole_whileNodesStillTalkToEachOther() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "reader read\nwriter write\nboss admin\n");
        cluster = new TestCluster(2, "--tokens-file", file.toString(), "--admin");
        String entity = cluster.entity(0, "k");
        HttpResponse<byte[]> anonymous = Http.get(entity);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(401, status("GET", entity, "nobody"));
        assertEquals(404, status("GET", entity, "reader"));
        assertEquals(403, status("PUT", entity, "reader"));
        assertEquals(201, status("PUT", entity + "&ack=2&from=2", "writer"), "the write reached the peer: internal calls need no token");
        assertEquals(200, status("GET", cluster.entity(1, "k"), "writer"));
        assertEquals(403, status("DELETE", entity, "reader"));
        assertEquals(202, status("DELETE", entity, "boss"));
        for (String path : new String[] {"/v0/entities?start=a", "/v0/status", "/metrics"}) {
            assertEquals(401, status("GET", cluster.urls.get(0) + path, null), path);
            assertEquals(200, status("GET", cluster.urls.get(0) + path, "reader"), path);
        }
        String profile = cluster.urls.get(0) + "/v0/admin/profile?duration=1";
        assertEquals(403, status("GET", profile, "writer"), "loopback alone no longer opens the admin endpoints");
        assertEquals(200, status("GET", profile, "boss"));
        String leave = cluster.urls.get(0) + "/v0/admin/leave?url=http://127.0.0.1:1";
        assertEquals(403, status("POST", leave, "writer"), "membership changes need the admin role");
        assertEquals(400, status("POST", leave, "boss"), "past the role check: that URL is no member");
        assertEquals(200, status("GET", cluster.urls.get(0) + "/v0/cluster", "reader"));
    }

    @Test
    void editingTheFile_rotatesTokensWithoutARestart() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "old-token read\n");
        cluster = new TestCluster(1, "--tokens-file", file.toString());
        String entity = cluster.entity(0, "k");
        assertEquals(404, status("GET", entity, "old-token"));
        Files.writeString(file, "new-token read\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 2000));
        assertTrue(TestCluster.eventually(10_000, () -> status("GET", entity, "new-token") == 404));
        assertEquals(401, status("GET", entity, "old-token"));
    }
}
