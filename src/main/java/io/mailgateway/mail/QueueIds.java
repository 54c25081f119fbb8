package io.mailgateway.mail;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Queue ids: short, unique, sortable by time, safe in file names and log lines (like Postfix's queue ids,
 * which operators grep for). 8 hex digits of epoch seconds and 10 of randomness.
 */
public final class QueueIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private QueueIds() {
    }

    public static String next() {
        long seconds = System.currentTimeMillis() / 1000;
        long random = RANDOM.nextLong() & 0xFF_FFFF_FFFFL;
        return String.format(Locale.ROOT, "%08X%010X", seconds, random);
    }
}
