package io.mailgateway.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every check's result, in the order they ran, and the two ways to print them: plain text for a person,
 * JSON for a script. Text is ASCII only: a Windows console in code page 437 or 850 shows it as written.
 */
public record DoctorReport(List<CheckResult> results, List<String> transcript) {

    /** Exit code when nothing failed; {@link #FAILED} otherwise. */
    public static final int OK = 0;
    public static final int FAILED = 1;

    private static final int WIDTH = 100;
    private static final String INDENT = "      ";

    /**
     * @param transcript the SMTP dialogue with the smart host (passwords masked), printed with --verbose
     */
    public DoctorReport {
        results = List.copyOf(results);
        transcript = List.copyOf(transcript);
    }

    public int exitCode() {
        return count(Status.FAIL) > 0 ? FAILED : OK;
    }

    public long count(Status status) {
        return results.stream().filter(r -> r.status() == status).count();
    }

    public CheckResult find(String id) {
        return results.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
    }

    /**
     * One block per check: status, title, detail; the fix indented below it, wrapped for a terminal.
     *
     * @param verbose also the SMTP transcript
     */
    public String toText(boolean verbose) {
        int titleWidth = results.stream().mapToInt(r -> r.title().length()).max().orElse(10);
        StringBuilder text = new StringBuilder();
        for (CheckResult result : results) {
            String head = String.format("%-5s %-" + titleWidth + "s ", result.status(), result.title());
            text.append(wrap(head, head.length(), result.detail()));
            if (result.fix() != null && !result.fix().isBlank()) {
                text.append(wrap(INDENT + "fix: ", INDENT.length() + 5, result.fix()));
            }
        }
        if (verbose && !transcript.isEmpty()) {
            text.append(System.lineSeparator()).append("SMTP transcript with the smart host:").append(System.lineSeparator());
            for (String line : transcript) {
                text.append("  ").append(ascii(line)).append(System.lineSeparator());
            }
            text.append(System.lineSeparator());
        }
        text.append(summary()).append(System.lineSeparator());
        return text.toString();
    }

    /** {@code 9 OK, 1 WARN, 1 FAIL, 2 SKIP: exit code 1}. */
    public String summary() {
        return count(Status.OK) + " OK, " + count(Status.WARN) + " WARN, " + count(Status.FAIL) + " FAIL, "
            + count(Status.SKIP) + " SKIP: exit code " + exitCode();
    }

    /**
     * {@code {"version":1, "exitCode":1, "counts":{"OK":9,...}, "checks":[{"id":..,"title":..,"status":..,
     * "detail":..,"fix":..}], "transcript":[..]}}; the check ids and these keys are stable.
     */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        root.put("exitCode", exitCode());
        Map<Status, Long> counts = new EnumMap<>(Status.class);
        for (Status status : Status.values()) {
            counts.put(status, count(status));
        }
        root.put("counts", counts);
        List<Map<String, Object>> checks = new ArrayList<>();
        for (CheckResult result : results) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("id", result.id());
            check.put("title", result.title());
            check.put("status", result.status().name());
            check.put("detail", result.detail());
            check.put("fix", result.fix());
            checks.add(check);
        }
        root.put("checks", checks);
        root.put("transcript", transcript);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root)
                + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serialises", e);
        }
    }

    /** Greedy word wrap; the first line starts with {@code head}, the others are indented to {@code indent}. */
    static String wrap(String head, int indent, String text) {
        StringBuilder out = new StringBuilder(head);
        int column = head.length();
        String pad = " ".repeat(indent);
        boolean first = true;
        for (String word : ascii(text).split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!first && column + 1 + word.length() > WIDTH) {
                out.append(System.lineSeparator()).append(pad);
                column = indent;
            } else if (!first) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
            first = false;
        }
        return out.append(System.lineSeparator()).toString();
    }

    /** Replaces what an old Windows console code page cannot show; the JSON keeps the original text. */
    static String ascii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == '\r' || c == '\n' || c == '\t') {
                out.append(' ');
            } else if (c < 0x20 || c == 0x7f) {
                out.append('?');
            } else if (c < 0x80) {
                out.appendCodePoint(c);
            } else {
                out.append('?');
            }
        });
        return out.toString();
    }
}
