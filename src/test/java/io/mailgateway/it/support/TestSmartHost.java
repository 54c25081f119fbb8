package io.mailgateway.it.support;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server on a loopback port standing in for the smart host: it records every transaction
 * (session, envelope, exact DATA bytes) and can be told to refuse recipients or DATA, or to be down.
 * Before {@link #start()} it can be given STARTTLS or implicit TLS (with a certificate made in the test)
 * and AUTH PLAIN/LOGIN for one user.
 */
public final class TestSmartHost implements AutoCloseable {

    /**
     * One mail transaction that reached the end of DATA (accepted or refused there).
     *
     * @param data the DATA bytes; with {@link #keepDataIn} only their first {@value #HEAD_BYTES} bytes
     * @param size how many bytes DATA had
     * @param sha256 SHA-256 of all DATA bytes, hex
     * @param file with {@link #keepDataIn}: the file holding all DATA bytes; else null
     */
    public record Transaction(String sessionId, String from, List<String> recipients, byte[] data, int reply,
                              long size, String sha256, Path file) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        public boolean accepted() {
            return reply == 250;
        }

        public String messageId() {
            Matcher m = Pattern.compile("(?im)^Message-ID:\\s*(<[^>]+>)").matcher(text());
            return m.find() ? m.group(1) : null;
        }
    }

    /** What a transaction keeps in memory when its DATA goes to a file: enough for the header section. */
    public static final int HEAD_BYTES = 64 * 1024;

    private final List<Transaction> transactions = new CopyOnWriteArrayList<>();
    private volatile Path dataFolder;
    private final Map<String, RejectException> rejectedRecipients = new ConcurrentHashMap<>();
    private final Queue<RejectException> dataReplies = new ConcurrentLinkedQueue<>();
    private final Map<String, Integer> rcptCounts = new ConcurrentHashMap<>();
    private volatile SMTPServer server;
    private volatile long dataDelayMillis;
    private volatile CountDownLatch hold;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger mostHeld = new AtomicInteger();
    private volatile int port;
    private final InetAddress bindAddress;
    private volatile SSLContext startTls;
    private volatile SSLContext implicitTls;
    private volatile String authUser;
    private volatile String authPassword;

    public TestSmartHost() {
        this(InetAddress.getLoopbackAddress(), 0);
    }

    /** Offers STARTTLS with this server context (call before {@link #start()}). */
    public TestSmartHost withStartTls(SSLContext serverContext) {
        this.startTls = serverContext;
        return this;
    }

    /** TLS from the first byte, port 465 style (call before {@link #start()}). */
    public TestSmartHost withImplicitTls(SSLContext serverContext) {
        this.implicitTls = serverContext;
        return this;
    }

    /** Offers AUTH PLAIN and LOGIN; only this user and password log in (call before {@link #start()}). */
    public TestSmartHost withAuth(String user, String password) {
        this.authUser = user;
        this.authPassword = password;
        return this;
    }

    /** A smart host that will listen on this port once started (it may be down until then). */
    public TestSmartHost(int port) {
        this(InetAddress.getLoopbackAddress(), port);
    }

    /** A server on one loopback address (127.0.0.2, ...): several can share a port, as MX hosts do port 25. */
    public TestSmartHost(InetAddress bindAddress, int port) {
        this.bindAddress = bindAddress;
        this.port = port;
    }

    public TestSmartHost start() {
        SMTPServer.Builder builder = SMTPServer.port(port)
            .bindAddress(bindAddress)
            .hostName("smarthost.test")
            .insertReceivedHeaders(false)
            .messageHandlerFactory(Handler::new);
        if (startTls != null) {
            builder.enableTLS().startTlsSocketFactory(startTls);
        }
        if (implicitTls != null) {
            builder.serverSocketFactory(implicitTls);
        }
        if (authUser != null) {
            builder.authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, context) -> {
                if (!authUser.equals(user) || !authPassword.equals(password)) {
                    throw new LoginFailedException("5.7.8 Authentication credentials invalid");
                }
            }));
        }
        server = builder.build();
        server.start();
        port = server.getPortAllocated();
        return this;
    }

    public void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        return port;
    }

    /** Every RCPT TO for this address is refused with {@code code text}. */
    public void rejectRecipient(String address, int code, String text) {
        rejectedRecipients.put(address, new RejectException(code, text));
    }

    /** Undoes {@link #rejectRecipient}: the smart host was fixed. */
    public void acceptRecipient(String address) {
        rejectedRecipients.remove(address);
    }

    /** The next end-of-DATA reply is {@code code text} instead of 250 (one use). */
    public void refuseNextData(int code, String text) {
        dataReplies.add(new RejectException(code, text));
    }

    /**
     * DATA goes to a file in this folder instead of memory (the test JVM need not hold a 50 MB mail either);
     * {@link Transaction#data()} then holds only the first {@value #HEAD_BYTES} bytes.
     */
    public TestSmartHost keepDataIn(Path folder) throws IOException {
        Files.createDirectories(folder);
        this.dataFolder = folder;
        return this;
    }

    /** Each end-of-DATA reply waits this long: a slow smart host, so that a backlog builds up. */
    public void slowDown(long millis) {
        this.dataDelayMillis = millis;
    }

    /**
     * From now on each end-of-DATA reply waits until {@link #release()}: a next hop that is stuck for as long
     * as the test wants, without guessing durations. The transaction is recorded only once released.
     */
    public void hold() {
        hold = new CountDownLatch(1);
    }

    /** Lets every held transaction (and those to come) get its reply. */
    public void release() {
        CountDownLatch latch = hold;
        hold = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Transactions waiting for {@link #release()} now. */
    public int held() {
        return held.get();
    }

    /** The most transactions that were ever held at the same time. */
    public int mostHeld() {
        return mostHeld.get();
    }

    public List<Transaction> transactions() {
        return new ArrayList<>(transactions);
    }

    public List<Transaction> withMessageId(String messageId) {
        return transactions.stream().filter(t -> messageId.equals(t.messageId())).toList();
    }

    /** Waits up to 20 s for a transaction with this Message-ID that the smart host accepted, and returns it. */
    public Transaction awaitAccepted(String messageId) {
        return awaitAccepted(messageId, Duration.ofSeconds(20));
    }

    /** Waits up to {@code atMost} for a transaction with this Message-ID that the smart host accepted. */
    public Transaction awaitAccepted(String messageId, Duration atMost) {
        return await().atMost(atMost).until(
            () -> withMessageId(messageId).stream().filter(Transaction::accepted).findFirst().orElse(null),
            t -> t != null);
    }

    public List<Transaction> where(Predicate<Transaction> predicate) {
        return transactions.stream().filter(predicate).toList();
    }

    /** How often RCPT TO named this address, accepted or not. */
    public int rcptCount(String address) {
        return rcptCounts.getOrDefault(address, 0);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Handler implements MessageHandler {
        private final MessageContext context;
        private String from;
        private final List<String> recipients = new ArrayList<>();

        Handler(MessageContext context) {
            this.context = context;
        }

        @Override
        public void from(String from) {
            this.from = from;
        }

        @Override
        public void recipient(String recipient) throws RejectException {
            rcptCounts.merge(recipient, 1, Integer::sum);
            RejectException reject = rejectedRecipients.get(recipient);
            if (reject != null) {
                throw new RejectException(reject.getCode(), reject.getMessage());
            }
            recipients.add(recipient);
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            MessageDigest sha256 = sha256();
            Path folder = dataFolder;
            Path file = null;
            byte[] kept;
            long size;
            if (folder == null) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                data.transferTo(new DigestOutputStream(bytes, sha256));
                kept = bytes.toByteArray();
                size = kept.length;
            } else {
                file = Files.createTempFile(folder, "data-", ".eml");
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha256)) {
                    size = data.transferTo(out);
                }
                try (InputStream head = Files.newInputStream(file)) {
                    kept = head.readNBytes(HEAD_BYTES);
                }
            }
            if (dataDelayMillis > 0) {
                try {
                    Thread.sleep(dataDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            CountDownLatch latch = hold;
            if (latch != null) {
                mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                try {
                    latch.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    held.decrementAndGet();
                }
            }
            RejectException refusal = dataReplies.poll();
            transactions.add(new Transaction(context.getSessionId(), from, List.copyOf(recipients),
                kept, refusal == null ? 250 : refusal.getCode(), size, HexFormat.of().formatHex(sha256.digest()), file));
            if (refusal != null) {
                throw new RejectException(refusal.getCode(), refusal.getMessage());
            }
            return null;
        }

        @Override
        public void done() {
        }
    }
}
