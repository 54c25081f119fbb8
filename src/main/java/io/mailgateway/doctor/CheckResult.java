package io.mailgateway.doctor;

import java.util.Objects;

/**
 * The outcome of one check, in words a person at the gateway's machine can act on.
 *
 * @param id stable machine name for scripts ({@code smarthost.connect}); never renamed
 * @param title short human name ({@code smart host connect})
 * @param status OK, WARN, FAIL or SKIP
 * @param detail what was found, with the numbers (ports, days, replies)
 * @param fix what to do about it, naming the setting and its environment variable; null when nothing to do
 */
public record CheckResult(String id, String title, Status status, String detail, String fix) {

    public CheckResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    public static CheckResult ok(String id, String title, String detail) {
        return new CheckResult(id, title, Status.OK, detail, null);
    }

    public static CheckResult warn(String id, String title, String detail, String fix) {
        return new CheckResult(id, title, Status.WARN, detail, fix);
    }

    public static CheckResult fail(String id, String title, String detail, String fix) {
        return new CheckResult(id, title, Status.FAIL, detail, fix);
    }

    public static CheckResult skip(String id, String title, String detail) {
        return new CheckResult(id, title, Status.SKIP, detail, null);
    }
}
