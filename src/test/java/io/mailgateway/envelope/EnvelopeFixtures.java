package io.mailgateway.envelope;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Scenario fixtures from {@code src/test/resources/envelopes/} and scratch folders under target/envelope-test. */
final class EnvelopeFixtures {

    private EnvelopeFixtures() {
    }

    static String text(String name) {
        try (InputStream in = EnvelopeFixtures.class.getResourceAsStream("/envelopes/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture envelopes/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InputStream stream(String name) {
        return new ByteArrayInputStream(text(name).getBytes(StandardCharsets.UTF_8));
    }

    static InputStream utf8(String xml) {
        return new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8));
    }

    static Path scratchFolder() throws IOException {
        Path base = Files.createDirectories(Path.of("target", "envelope-test"));
        return Files.createTempDirectory(base, "run-").toAbsolutePath();
    }

    /** Deletes a scratch folder without following links out of it. */
    static void delete(Path folder) throws IOException {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * A loopback socket on port 0 that records whether anyone connected: the proof that a parser did not
     * fetch a DTD, schema or include.
     */
    static final class Canary implements AutoCloseable {
        private final ServerSocket server;
        private final CompletableFuture<Boolean> connected = new CompletableFuture<>();

        Canary() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            server.setSoTimeout(100);
            Thread thread = new Thread(this::accept, "canary-" + server.getLocalPort());
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    // hang up at once, and keep doing so: a fetching client fails fast (HttpURLConnection
                    // retries once) instead of waiting for an HTTP answer
                    connected.complete(true);
                } catch (SocketTimeoutException e) {
                    // keep listening until closed
                } catch (IOException e) {
                    break;
                }
            }
            connected.complete(false);
        }

        /** Waits a little longer for a late connection, then tells whether there was one. */
        boolean sawConnection() throws Exception {
            try {
                return connected.get(500, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
