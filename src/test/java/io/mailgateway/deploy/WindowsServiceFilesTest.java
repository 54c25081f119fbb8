package io.mailgateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The Windows files, checked where Windows is not: bin/mail-gateway-service.xml (WinSW) parsed and its paths
 * resolved against this checkout; bin/mail-gateway.cmd read as bytes, and its Java-version test (a findstr
 * regex) replayed with Java's regex engine on the lines Java 8, 11, 17 and later print.
 */
class WindowsServiceFilesTest {

    private static final Path SERVICE = Path.of("bin", "mail-gateway-service.xml");
    private static final Path CMD = Path.of("bin", "mail-gateway.cmd");

    @Test
    void theServiceRunsTheJarAndRestartsAfterACrash() throws Exception {
        Element service = parse(SERVICE).getDocumentElement();

        assertThat(service.getTagName()).isEqualTo("service");
        assertThat(text(service, "id")).isEqualTo("mail-gateway");
        assertThat(text(service, "executable")).isNotBlank();
        assertThat(text(service, "arguments")).contains("-jar \"%BASE%\\..\\target\\mail-gateway.jar\"")
            .as("-Xrs would make Java ignore WinSW's Ctrl+C, so the journal would not be closed cleanly")
            .doesNotContain("-Xrs");
        assertThat(text(service, "startmode")).isEqualTo("Automatic");
        NodeList onFailure = service.getElementsByTagName("onfailure");
        assertThat(onFailure.getLength()).isPositive();
        for (int i = 0; i < onFailure.getLength(); i++) {
            assertThat(((Element) onFailure.item(i)).getAttribute("action")).isEqualTo("restart");
        }
        assertThat(text(service, "stoptimeout")).isNotBlank();
    }

    @Test
    void winSwWaitsLongerThanTheSmtpGracePeriodBeforeKillingTheGateway() throws Exception {
        Element service = parse(SERVICE).getDocumentElement();

        assertThat(winSwDuration(text(service, "stoptimeout")))
            .isGreaterThanOrEqualTo(ShippedDefaults.shutdownGrace().plus(ShippedDefaults.AFTER_SMTP_GRACE));
    }

    /** WinSW 2 durations: a number and a unit, {@code 15 sec}, {@code 1 min}, {@code 500 ms}. */
    private static Duration winSwDuration(String value) {
        Matcher m = Pattern.compile("(\\d+)\\s*(ms|sec|min|hour|day)s?").matcher(value.trim());
        assertThat(m.matches()).as("a WinSW duration: " + value).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "sec" -> Duration.ofSeconds(n);
            case "min" -> Duration.ofMinutes(n);
            case "hour" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    @Test
    void dataAndLogsLiveInTheDataFolderAndTheServiceIsNotLocalSystem() throws Exception {
        Element service = parse(SERVICE).getDocumentElement();

        Element env = (Element) service.getElementsByTagName("env").item(0);
        assertThat(env.getAttribute("name")).isEqualTo("GATEWAY_DATA_DIR");
        String dataDir = env.getAttribute("value");
        assertThat(text(service, "logpath")).startsWith(dataDir + "\\");
        Element log = (Element) service.getElementsByTagName("log").item(0);
        assertThat(log.getAttribute("mode")).isEqualTo("roll-by-size");
        assertThat(text(log, "keepFiles")).isNotBlank();
        Element account = (Element) service.getElementsByTagName("serviceaccount").item(0);
        assertThat(text(account, "user")).isEqualTo("LocalService");
    }

    @Test
    void theServicesPathsResolveToThisCheckout() throws Exception {
        Element service = parse(SERVICE).getDocumentElement();
        Path base = Path.of("bin").toAbsolutePath();

        Path workingDir = windowsPath(text(service, "workingdirectory"), base);
        assertThat(workingDir).isEqualTo(Path.of("").toAbsolutePath());
        assertThat(workingDir.resolve("routes")).isDirectory();
        assertThat(workingDir.resolve("artemis-config").resolve("broker.xml")).isRegularFile();

        Matcher jar = Pattern.compile("-jar \"([^\"]+)\"").matcher(text(service, "arguments"));
        assertThat(jar.find()).isTrue();
        assertThat(windowsPath(jar.group(1), base)).isEqualTo(Path.of("target", finalName() + ".jar").toAbsolutePath());
        Element env = (Element) service.getElementsByTagName("env").item(0);
        assertThat(windowsPath(env.getAttribute("value"), base)).isEqualTo(workingDir.resolve("data"));
    }

    @Test
    void theCmdScriptHasWindowsLineEndings() throws IOException {
        byte[] bytes = Files.readAllBytes(CMD);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                assertThat(i > 0 && bytes[i - 1] == '\r').as("LF without CR at byte " + i).isTrue();
            }
        }
        assertThat(new String(bytes, StandardCharsets.US_ASCII)).doesNotContain("\r\r");
    }

    @Test
    void theCmdScriptStartsTheSameJarFromTheSameFolderAsTheService() throws IOException {
        String cmd = Files.readString(CMD, StandardCharsets.US_ASCII);

        assertThat(cmd).contains("set \"APP_HOME=%~dp0..\"")
            .contains("pushd \"%APP_HOME%\"")
            .contains("if defined JAVA_HOME set \"JAVA_EXE=%JAVA_HOME%\\bin\\java.exe\"")
            .contains("set \"JAR=%APP_HOME%\\target\\" + finalName() + ".jar\"")
            .contains("-jar \"%JAR%\" %*")
            .contains("exit /b %EXIT_CODE%");
    }

    @Test
    void everyGotoInTheCmdScriptHasItsLabelAndNoBlockCanBeCutShortByAParenthesisInAPath() throws IOException {
        List<String> lines = Files.readString(CMD, StandardCharsets.US_ASCII).lines().toList();
        List<String> labels = lines.stream().filter(l -> l.startsWith(":")).map(l -> l.substring(1).trim()).toList();
        Matcher gotos = Pattern.compile("goto (\\w+)").matcher(String.join("\n", lines));
        while (gotos.find()) {
            assertThat(labels).contains(gotos.group(1));
        }
        // "C:\Program Files (x86)\..." inside a ( ... ) block would end the block early
        assertThat(lines).noneMatch(l -> !l.startsWith("rem") && l.stripTrailing().endsWith("("));
    }

    @Test
    void theCmdJavaVersionCheckAcceptsJava17AndLaterOnly() throws IOException {
        List<Pattern> findstr = findstrPatterns(Files.readString(CMD, StandardCharsets.US_ASCII));
        assertThat(findstr).hasSize(2);

        assertThat(accepts(findstr, "    java.specification.version = 1.8")).isFalse();
        assertThat(accepts(findstr, "    java.specification.version = 11")).isFalse();
        assertThat(accepts(findstr, "    java.specification.version = 16")).isFalse();
        assertThat(accepts(findstr, "    java.specification.version = 17")).isTrue();
        assertThat(accepts(findstr, "    java.specification.version = 21")).isTrue();
        assertThat(accepts(findstr, "    java.specification.version = 25")).isTrue();
        // the line this very JVM prints for -XshowSettings:properties
        assertThat(accepts(findstr, "    java.specification.version = " + System.getProperty("java.specification.version")))
            .isTrue();
    }

    /** The /c:"..." strings of the findstr /r line, as Java patterns (findstr's \. and [x-y] mean the same). */
    private static List<Pattern> findstrPatterns(String cmd) {
        String line = cmd.lines().filter(l -> l.contains("findstr /r")).findFirst().orElseThrow();
        Matcher strings = Pattern.compile("/c:\"([^\"]+)\"").matcher(line);
        List<Pattern> patterns = new ArrayList<>();
        while (strings.find()) {
            patterns.add(Pattern.compile(strings.group(1)));
        }
        return patterns;
    }

    private static boolean accepts(List<Pattern> patterns, String line) {
        return patterns.stream().anyMatch(p -> p.matcher(line).find());
    }

    /** {@code %BASE%\..\target\x.jar} with %BASE% = bin/ of this checkout. */
    private static Path windowsPath(String value, Path base) {
        return Path.of(value.replace("%BASE%", base.toString()).replace('\\', '/')).normalize();
    }

    private static String finalName() throws IOException {
        return DeployFiles.group(DeployFiles.read("pom.xml"), "<finalName>([^<]+)</finalName>");
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        assertThat(nodes.getLength()).as("<" + tag + "> in <" + parent.getTagName() + ">").isPositive();
        return nodes.item(0).getTextContent().trim();
    }
}
