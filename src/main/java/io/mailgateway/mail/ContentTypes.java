package io.mailgateway.mail;

import java.util.Locale;
import java.util.Map;

/**
 * MIME types of attachments by file extension. Deliberately a fixed table rather than the platform's
 * probing: the same file must get the same type on a Windows workstation and in a Linux container.
 */
public final class ContentTypes {

    private static final String DEFAULT = "application/octet-stream";
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
        Map.entry("pdf", "application/pdf"),
        Map.entry("csv", "text/csv"),
        Map.entry("txt", "text/plain"),
        Map.entry("log", "text/plain"),
        Map.entry("htm", "text/html"),
        Map.entry("html", "text/html"),
        Map.entry("xml", "application/xml"),
        Map.entry("json", "application/json"),
        Map.entry("xls", "application/vnd.ms-excel"),
        Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Map.entry("doc", "application/msword"),
        Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        Map.entry("zip", "application/zip"),
        Map.entry("png", "image/png"),
        Map.entry("jpg", "image/jpeg"),
        Map.entry("jpeg", "image/jpeg"),
        Map.entry("gif", "image/gif"));

    private ContentTypes() {
    }

    public static String forFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return DEFAULT;
        }
        return BY_EXTENSION.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
    }
}
