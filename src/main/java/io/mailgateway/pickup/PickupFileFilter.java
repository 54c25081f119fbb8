package io.mailgateway.pickup;

import java.io.File;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

/**
 * Which files of a pickup folder are mail: {@code .eml} and {@code .xml} files anywhere, and files a report
 * rule matches. Never the gateway's own processed/ and failed/ folders, hidden files (and Windows'
 * Thumbs.db and desktop.ini), or files still being written under a temporary name ({@code .tmp},
 * {@code .part}): the write-then-rename convention. Anything else (an XML envelope's attachments, say) is
 * left alone.
 */
public final class PickupFileFilter implements GenericFileFilter<File> {

    static final String PROCESSED = "processed";
    static final String FAILED = "failed";

    private final ReportRules rules;

    public PickupFileFilter(ReportRules rules) {
        this.rules = rules;
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        Path relative = Path.of(file.getRelativeFilePath());
        String name = file.getFileNameOnly();
        if (name.startsWith(".") || name.startsWith("~")) {
            return false;
        }
        // Windows marks its own files hidden (no leading dot there) and drops Thumbs.db and desktop.ini into
        // folders opened in Explorer; a report rule with glob "*" must not mail them
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("thumbs.db") || lower.equals("desktop.ini") || isHidden(file)) {
            return false;
        }
        if (file.isDirectory()) {
            return !(relative.getNameCount() == 1 && (name.equals(PROCESSED) || name.equals(FAILED)));
        }
        if (lower.endsWith(".tmp") || lower.endsWith(".part") || lower.endsWith(".reason.txt")) {
            return false;
        }
        return lower.endsWith(".eml") || lower.endsWith(".xml") || rules.match(relative).isPresent();
    }

    /** The DOS hidden attribute on Windows (a leading dot elsewhere, already excluded above). */
    private static boolean isHidden(GenericFile<File> file) {
        File f = file.getFile();
        return f != null && f.isHidden();
    }
}
