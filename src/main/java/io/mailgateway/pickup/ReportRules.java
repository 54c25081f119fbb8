package io.mailgateway.pickup;

import io.mailgateway.config.GatewayProperties.ReportRule;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Optional;

/**
 * The configured report rules ({@code gateway.pickup.rules}), compiled: which rule, if any, mails a file
 * found at a path relative to its pickup folder. The first matching rule wins.
 */
public final class ReportRules {

    private record Compiled(ReportRule rule, Path folder, PathMatcher glob) {
    }

    private final List<Compiled> rules;

    public ReportRules(List<ReportRule> rules) {
        this.rules = rules.stream().map(ReportRules::compile).toList();
    }

    private static Compiled compile(ReportRule rule) {
        // both separators accepted in configuration, so a rule written on Windows works in a container
        String folder = rule.getFolder() == null ? "" : rule.getFolder().replace('\\', '/');
        Path normalized = Path.of("").resolve(folder.isEmpty() ? "" : folder).normalize();
        if (normalized.isAbsolute() || normalized.startsWith("..")) {
            throw new IllegalArgumentException("gateway.pickup.rules: folder '" + rule.getFolder()
                + "' must be a sub-folder of the pickup folder");
        }
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + rule.getGlob());
        return new Compiled(rule, normalized, glob);
    }

    /** @param relative the file's path relative to its pickup folder */
    public Optional<ReportRule> match(Path relative) {
        Path parent = relative.getParent() == null ? Path.of("") : relative.getParent();
        Path name = relative.getFileName();
        for (Compiled compiled : rules) {
            if (compiled.folder().equals(parent) && compiled.glob().matches(name)) {
                return Optional.of(compiled.rule());
            }
        }
        return Optional.empty();
    }
}
