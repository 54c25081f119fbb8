package io.mailgateway.doctor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/**
 * One TCP connect, and what its failure means. "Refused" and "timed out" point at different culprits: a
 * refusal is an answer (the host is there, nothing listens on that port), silence is a firewall or an
 * internet provider dropping the packets, the classic block of outbound port 25.
 */
final class PortProbe {

    enum Outcome {
        OPEN("open"),
        REFUSED("refused"),
        TIMED_OUT("timed out"),
        UNREACHABLE("unreachable"),
        UNKNOWN_HOST("unknown host"),
        ERROR("error");

        private final String words;

        Outcome(String words) {
            this.words = words;
        }

        String words() {
            return words;
        }
    }

    /** @param message the exception text for ERROR and UNREACHABLE, else null */
    record Result(String host, int port, Outcome outcome, long millis, String message) {

        boolean open() {
            return outcome == Outcome.OPEN;
        }

        /** {@code 587 open (35 ms)}, {@code 25 timed out after 10 s}. */
        String summary(Duration timeout) {
            return switch (outcome) {
                case OPEN -> port + " open (" + millis + " ms)";
                case TIMED_OUT -> port + " timed out after " + seconds(timeout);
                case ERROR, UNREACHABLE -> port + " " + outcome.words() + " (" + message + ")";
                default -> port + " " + outcome.words();
            };
        }
    }

    private PortProbe() {
    }

    static Result connect(String host, int port, Duration timeout) {
        long started = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return new Result(host, port, Outcome.OPEN, elapsed(started), null);
        } catch (SocketTimeoutException e) {
            return new Result(host, port, Outcome.TIMED_OUT, elapsed(started), null);
        } catch (NoRouteToHostException e) {
            return new Result(host, port, Outcome.UNREACHABLE, elapsed(started), message(e));
        } catch (UnknownHostException e) {
            return new Result(host, port, Outcome.UNKNOWN_HOST, elapsed(started), message(e));
        } catch (ConnectException e) {
            // "Connection refused" is a reset answering the SYN; "Network is unreachable" has no route at all
            String text = message(e);
            Outcome outcome = text.toLowerCase(Locale.ROOT).contains("refused") ? Outcome.REFUSED : Outcome.UNREACHABLE;
            return new Result(host, port, outcome, elapsed(started), text);
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            return new Result(host, port, Outcome.ERROR, elapsed(started), message(e));
        }
    }

    static String seconds(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    }
}
