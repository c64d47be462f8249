package io.dmremediation.operator;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What this build is: the project version Maven wrote into {@code build.properties}, and the Java runtime. The CLI
 * prints it for {@code --version}; the operator exports it as {@code dmr_build_info}.
 */
public record BuildInfo(String version, String javaVersion, String josdkVersion, String fabric8Version) {

    private static final String RESOURCE = "/io/dmremediation/build.properties";

    /** The running build; "unknown" for a value the build did not fill in (e.g. classes run from an IDE). */
    public static BuildInfo current() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // an unreadable resource leaves every value unknown; a version is never worth failing a start for
        }
        return new BuildInfo(value(p, "version"), System.getProperty("java.version", "unknown"), value(p, "josdk"),
                value(p, "fabric8"));
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v.strip();
    }

    /** One line, as {@code --version} prints it. */
    public String line() {
        return "dm-remediation-operator " + version + " (Java " + javaVersion + ", java-operator-sdk " + josdkVersion
                + ", fabric8 " + fabric8Version + ")";
    }
}
