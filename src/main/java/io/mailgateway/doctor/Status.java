package io.mailgateway.doctor;

/** How one check came out. Only {@link #FAIL} makes {@code doctor} exit non-zero. */
public enum Status {
    /** Works as configured. */
    OK,
    /** Works, but something is likely to bite later (expiring certificate, mail in clear, little disk). */
    WARN,
    /** Mail will not flow (or the gateway will not start) until this is fixed. */
    FAIL,
    /** Not checked: does not apply to this configuration, or an earlier failure makes it meaningless. */
    SKIP
}
