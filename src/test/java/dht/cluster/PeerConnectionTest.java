package dht.cluster;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipelined peer connection against a real TCP server that answers each request with its
 * own body, in order, or misbehaves on purpose: stays silent, or hangs up.
 */
class PeerConnectionTest {
    private static final long DEADLINE_MILLIS = 2_000;
    private static final int MAX_REPLY_BYTES = 16 << 20;

    private final PeerLoop loop = new PeerLoop(MAX_REPLY_BYTES);
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        loop.close();
    }

    @Test
    void manyThreadsGetTheirOwnRepliesOverOneConnection() throws Exception {
        EchoPeer peer = start(Behaviour.ECHO);
        PeerConnection connection = new PeerConnection(peer.address(), loop, MAX_REPLY_BYTES);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        closing.add(callers::shutdownNow);
        List<CompletableFuture<CompletableFuture<PeerConnection.Reply>>> calls = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String body = "call-" + i;
            calls.add(CompletableFuture.supplyAsync(() -> submit(connection, body), callers));
        }
        for (int i = 0; i < calls.size(); i++) {
            PeerConnection.Reply reply = calls.get(i).get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
            assertEquals(200, reply.status());
            assertEquals("call-" + i, new String(reply.body(), StandardCharsets.UTF_8));
        }
        assertEquals(1, peer.accepted.get(), "every call went over the one connection");
    }

    @Test
    void requestsLargerThanTheSocketBuffersGoOutWhole() throws Exception {
        EchoPeer peer = start(Behaviour.ECHO);
        PeerConnection connection = new PeerConnection(peer.address(), loop, MAX_REPLY_BYTES);
        byte[] big = letters(8 * 1024 * 1024);
        String text = new String(big, StandardCharsets.US_ASCII);
        CompletableFuture<PeerConnection.Reply> first = submit(connection, text);
        CompletableFuture<PeerConnection.Reply> second = submit(connection, "after");
        assertArrayEquals(big, first.get(10, TimeUnit.SECONDS).body());
        assertEquals("after", new String(second.get(10, TimeUnit.SECONDS).body(), StandardCharsets.UTF_8));
    }

    @Test
    void bodiesInTheirOwnBuffers_goOutWholeAfterTheirHeads_sharedByManyCalls() throws Exception {
        EchoPeer peer = start(Behaviour.ECHO);
        PeerConnection connection = new PeerConnection(peer.address(), loop, MAX_REPLY_BYTES);
        byte[] big = letters(4 * 1024 * 1024);
        List<CompletableFuture<PeerConnection.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] body = i % 10 == 0 ? big : ("small-" + i).getBytes(StandardCharsets.US_ASCII);
            ByteBuffer head = ByteBuffer.wrap(("PUT /echo HTTP/1.1\r\nHost: test\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<PeerConnection.Reply> reply = new CompletableFuture<>();
            connection.submit(new PeerConnection.Call(head, ByteBuffer.wrap(body), reply,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS)));
            replies.add(reply);
        }
        for (int i = 0; i < replies.size(); i++) {
            byte[] echoed = replies.get(i).get(10, TimeUnit.SECONDS).body();
            if (i % 10 == 0) {
                assertArrayEquals(big, echoed, "call " + i);
            } else {
                assertEquals("small-" + i, new String(echoed, StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void theLengthHeaderIsFoundInAnyCaseAndSpacing() throws Exception {
        PeerConnection connection = new PeerConnection(start(Behaviour.ODD_CASE_HEADER).address(), loop, MAX_REPLY_BYTES);
        assertEquals("odd", new String(submit(connection, "odd").get(10, TimeUnit.SECONDS).body(), StandardCharsets.UTF_8));
    }

    @Test
    void aReplyWithoutLengthFailsTheCall() throws Exception {
        PeerConnection connection = new PeerConnection(start(Behaviour.NO_LENGTH).address(), loop, MAX_REPLY_BYTES);
        CompletableFuture<PeerConnection.Reply> call = submit(connection, "unsized");
        ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        assertTrue(failed.getCause().getMessage().contains("no Content-Length"), failed.getCause().getMessage());
    }

    @Test
    void aSilentPeerFailsTheCallAtItsDeadlineAndTheNextCallReconnects() throws Exception {
        EchoPeer peer = start(Behaviour.SILENT_FIRST_CONNECTION);
        PeerConnection connection = new PeerConnection(peer.address(), loop, MAX_REPLY_BYTES);
        long started = System.nanoTime();
        CompletableFuture<PeerConnection.Reply> silent = submit(connection, "lost", 300);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> silent.get(10, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, failed.getCause());
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(300), "not before the deadline");
        assertEquals("answered", new String(submit(connection, "answered").get(10, TimeUnit.SECONDS).body(), StandardCharsets.UTF_8));
        assertEquals(2, peer.accepted.get());
    }

    @Test
    void aPeerThatHangsUpFailsTheCallsInFlightAndTheNextCallReconnects() throws Exception {
        EchoPeer peer = start(Behaviour.HANG_UP_FIRST_CONNECTION);
        PeerConnection connection = new PeerConnection(peer.address(), loop, MAX_REPLY_BYTES);
        CompletableFuture<PeerConnection.Reply> cut = submit(connection, "cut");
        ExecutionException failed = assertThrows(ExecutionException.class, () -> cut.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, failed.getCause());
        assertEquals("again", new String(submit(connection, "again").get(10, TimeUnit.SECONDS).body(), StandardCharsets.UTF_8));
        assertEquals(2, peer.accepted.get());
    }

    @Test
    void aPortWithNobodyListeningFailsFast() throws Exception {
        InetSocketAddress nobody;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
        }
        PeerConnection connection = new PeerConnection(nobody, loop, MAX_REPLY_BYTES);
        CompletableFuture<PeerConnection.Reply> call = submit(connection, "anyone?");
        ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(DEADLINE_MILLIS / 2, TimeUnit.MILLISECONDS));
        assertInstanceOf(ConnectException.class, failed.getCause());
    }

    @Test
    void resetFailsTheCallsInFlight() throws Exception {
        EchoPeer peer = start(Behaviour.SILENT_FIRST_CONNECTION);
        PeerConnection connection = new PeerConnection(peer.address(), loop, MAX_REPLY_BYTES);
        CompletableFuture<PeerConnection.Reply> waiting = submit(connection, "waiting", 60_000);
        peer.awaitAccepted(1);
        connection.reset("the node is stopping");
        ExecutionException failed = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertEquals("the node is stopping", failed.getCause().getMessage());
    }

    private static byte[] letters(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    private static CompletableFuture<PeerConnection.Reply> submit(PeerConnection connection, String body) {
        return submit(connection, body, DEADLINE_MILLIS);
    }

    private static CompletableFuture<PeerConnection.Reply> submit(PeerConnection connection, String body, long deadlineMillis) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("PUT /echo HTTP/1.1\r\nHost: test\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuffer request = ByteBuffer.allocate(head.length + bytes.length).put(head).put(bytes).flip();
        CompletableFuture<PeerConnection.Reply> reply = new CompletableFuture<>();
        connection.submit(new PeerConnection.Call(request, reply, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis)));
        return reply;
    }

    private EchoPeer start(Behaviour behaviour) throws IOException {
        EchoPeer peer = new EchoPeer(behaviour);
        closing.add(peer);
        return peer;
    }

    private enum Behaviour { ECHO, ODD_CASE_HEADER, NO_LENGTH, SILENT_FIRST_CONNECTION, HANG_UP_FIRST_CONNECTION }

    /** Answers every request with its body; its first connection may stay silent or hang up. */
    private static final class EchoPeer implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger accepted = new AtomicInteger();
        final Behaviour behaviour;
        final List<Socket> sockets = new ArrayList<>();

        EchoPeer(Behaviour behaviour) throws IOException {
            this.behaviour = behaviour;
            Thread acceptor = new Thread(this::accept, "echo peer");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        }

        void awaitAccepted(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (accepted.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        private void accept() {
            try {
                while (true) {
                    Socket socket = server.accept();
                    synchronized (sockets) {
                        sockets.add(socket);
                    }
                    boolean first = accepted.incrementAndGet() == 1;
                    Thread serving = new Thread(() -> serve(socket, first), "echo connection");
                    serving.setDaemon(true);
                    serving.start();
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void serve(Socket socket, boolean first) {
            try (socket) {
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                while (true) {
                    byte[] body = readRequest(in);
                    if (body == null) {
                        return;
                    }
                    if (first && behaviour == Behaviour.SILENT_FIRST_CONNECTION) {
                        continue;
                    }
                    if (first && behaviour == Behaviour.HANG_UP_FIRST_CONNECTION) {
                        return;
                    }
                    String length = switch (behaviour) {
                        case ODD_CASE_HEADER -> "Server: echo\r\ncontent-LENGTH:   " + body.length + " \r\n";
                        case NO_LENGTH -> "";
                        default -> "Content-Length: " + body.length + "\r\n";
                    };
                    out.write(("HTTP/1.1 200 OK\r\n" + length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
            } catch (IOException closed) {
                // the connection is gone
            }
        }

        private static byte[] readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    String text = head.toString(StandardCharsets.US_ASCII);
                    int at = text.indexOf("Content-Length: ") + "Content-Length: ".length();
                    int length = Integer.parseInt(text.substring(at, text.indexOf('\r', at)));
                    return in.readNBytes(length);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (sockets) {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }
}
