package io.dmremediation.badinput;

import static io.dmremediation.badinput.WireServer.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.dmremediation.dm.DmBadReplyException;
import io.dmremediation.dm.DmHttpSettings;
import io.dmremediation.dm.DmMasterClients;
import io.dmremediation.dm.DmMasterConnection;
import io.dmremediation.dm.DmTimeoutException;
import io.dmremediation.dm.GatewayClient;
import io.dmremediation.dm.Samples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A DM-master (or whatever answers on its port) that sends too much, too slowly, or lies about the size: the client
 * gives a typed error within its limits and never reads more than {@code maxReplyBytes} into memory. The endless
 * replies below would be gigabytes if read to the end; the assertions bound both the time and what the server
 * managed to push into the connection.
 */
class OversizedReplyTest {

    private static final String STATUS = "/apis/v1alpha1/status/orders";
    private static final int MIB = 1024 * 1024;
    /** Far below "everything", far above the 8 MiB bound plus the kernel's socket buffers on both sides. */
    private static final long WRITTEN_BOUND = 64L * MIB;

    private WireServer dm;

    @BeforeEach
    void start() throws IOException {
        dm = new WireServer();
    }

    @AfterEach
    void stop() throws IOException {
        dm.close();
    }

    /** Headers, then an endless body of spaces (valid JSON whitespace: only the size is wrong). */
    private WireServer.Responder endless(String headers) {
        return (req, out) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + headers + "\r\n"));
            byte[] block = new byte[64 * 1024];
            Arrays.fill(block, (byte) ' ');
            boolean chunked = headers.contains("chunked");
            String size = Integer.toHexString(block.length) + "\r\n";
            while (!dm.closed()) {
                if (chunked) {
                    out.write(ascii(size));
                }
                out.write(block);
                if (chunked) {
                    out.write(ascii("\r\n"));
                }
            }
        };
    }

    private static Throwable timed(Runnable call, long maxMillis) {
        long start = System.nanoTime();
        Throwable t = catchThrowable(call::run);
        long took = (System.nanoTime() - start) / 1_000_000;
        assertThat(took).as("the call took %d ms", took).isLessThan(maxMillis);
        return t;
    }

    @Test
    void anEndlessChunkedReplyIsRefusedAtTheDefault8MiB() {
        dm.on("GET", STATUS, endless("Transfer-Encoding: chunked\r\n"));
        GatewayClient gateway = new GatewayClient(dm.url(), DmHttpSettings.DEFAULTS);

        Throwable t = timed(() -> gateway.queryStatus("orders"), 10_000);

        assertThat(t).isInstanceOf(DmBadReplyException.class).hasMessageContaining("larger than 8 MiB")
                .hasMessageNotContaining("\n");
        assertThat(dm.bytesWritten()).as("bytes the endless reply got into the connection")
                .isGreaterThan(8L * MIB).isLessThan(WRITTEN_BOUND);
    }

    @Test
    void anEndlessReplyWithoutLengthOrChunkingIsRefusedToo() {
        // HTTP/1.1 with neither: the body runs until the server closes, which it never does
        dm.on("GET", STATUS, endless("Connection: close\r\n"));

        Throwable t = timed(() -> new GatewayClient(dm.url(), DmHttpSettings.DEFAULTS).queryStatus("orders"), 10_000);

        assertThat(t).isInstanceOf(DmBadReplyException.class).hasMessageContaining("larger than 8 MiB");
        assertThat(dm.bytesWritten()).isLessThan(WRITTEN_BOUND);
    }

    @Test
    void aDeclaredLengthOverTheBoundIsRefusedBeforeTheBodyIsRead() {
        // Content-Length says 10 GiB: no need to read a byte of it
        dm.on("GET", STATUS, endless("Content-Length: " + (10L << 30) + "\r\n"));
        DmHttpSettings small = DmHttpSettings.DEFAULTS.withMaxReplyBytes(64 * 1024);

        Throwable t = timed(() -> new GatewayClient(dm.url(), small).queryStatus("orders"), 10_000);

        assertThat(t).isInstanceOf(DmBadReplyException.class).hasMessageContaining("larger than 64 KiB");
        assertThat(dm.bytesWritten()).isLessThan(WRITTEN_BOUND);
    }

    @Test
    void aContentLengthSmallerThanTheBodyGivesATruncatedReplyNotAHang() {
        // the length lies low: the client reads that many bytes and must not take the rest for the next reply
        String sample = Samples.read(Samples.RUNNING);
        dm.on("GET", STATUS, (req, out) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n"));
            out.write(sample.getBytes(StandardCharsets.UTF_8));
        });

        Throwable t = timed(() -> new GatewayClient(dm.url(), DmHttpSettings.DEFAULTS).queryStatus("orders"), 10_000);

        // Jackson calls it truncated or invalid depending on where the 40 bytes end; either way a typed bad reply
        assertThat(t).isInstanceOf(DmBadReplyException.class).hasMessageContaining("sent an unexpected reply");
    }

    @Test
    void aContentLengthLargerThanTheBodyThenCloseIsACutReply() {
        dm.on("GET", STATUS, (req, out) -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Content-Length: 5000000\r\n\r\n{\"result\": true, \"sources\": [")));

        Throwable t = timed(() -> new GatewayClient(dm.url(), DmHttpSettings.DEFAULTS).queryStatus("orders"), 10_000);

        assertThat(t).isInstanceOf(DmBadReplyException.class).hasMessageContaining("cut its reply off");
    }

    @ParameterizedTest(name = "Content-Length: {0}")
    @ValueSource(strings = {"-5", "abc", "99999999999999999999999", "1e3", "12, 13", ""})
    void anUnreadableContentLengthIsATypedError(String length) {
        String body = Samples.read(Samples.RUNNING);
        dm.on("GET", STATUS, (req, out) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + length
                    + "\r\nConnection: close\r\n\r\n"));
            out.write(body.getBytes(StandardCharsets.UTF_8));
        });

        Throwable t = timed(() -> new GatewayClient(dm.url(), DmHttpSettings.DEFAULTS).queryStatus("orders"), 15_000);

        // the JDK client does not read a body it cannot delimit: a typed bad reply, never a crash or a guess
        assertThat(t).isInstanceOf(DmBadReplyException.class).hasMessageNotContaining("\n");
    }

    @Test
    void anAbsurdChunkSizeIsATypedError() {
        dm.on("GET", STATUS, (req, out) -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n{\"result\": true")));

        Throwable t = timed(() -> new GatewayClient(dm.url(), DmHttpSettings.DEFAULTS).queryStatus("orders"), 15_000);

        assertThat(t).isInstanceOf(DmBadReplyException.class).hasMessageNotContaining("\n");
    }

    @Test
    void aSlowDripHitsTheRequestTimeout() {
        // one byte every 20 ms: the connection is never idle, so only a deadline on the whole answer ends it
        dm.on("GET", STATUS, (req, out) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
            while (!dm.closed()) {
                out.write(ascii("1\r\n \r\n"));
                out.flush();
                pause(20);
            }
        });
        DmHttpSettings settings = DmHttpSettings.DEFAULTS.withRequestTimeout(Duration.ofMillis(800));

        Throwable t = timed(() -> new GatewayClient(dm.url(), settings).queryStatus("orders"), 5_000);

        assertThat(t).isInstanceOf(DmTimeoutException.class).hasMessageContaining("did not answer within 800ms");
    }

    @Test
    void headersThatDripHitTheRequestTimeout() {
        dm.on("GET", STATUS, (req, out) -> {
            for (byte b : ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")) {
                if (dm.closed()) {
                    return;
                }
                out.write(b);
                out.flush();
                pause(50);
            }
            dm.awaitClose();
        });
        DmHttpSettings settings = DmHttpSettings.DEFAULTS.withRequestTimeout(Duration.ofMillis(800));

        Throwable t = timed(() -> new GatewayClient(dm.url(), settings).queryStatus("orders"), 5_000);

        assertThat(t).isInstanceOf(DmTimeoutException.class);
    }

    @Test
    void anEndlessHeaderIsStoppedByTheDeadlineWithoutUnboundedReading() {
        // one header line that never ends: the body bound cannot apply, the whole-answer deadline must
        dm.on("GET", STATUS, (req, out) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nX-Endless: "));
            byte[] block = new byte[64 * 1024];
            Arrays.fill(block, (byte) 'a');
            while (!dm.closed()) {
                out.write(block);
            }
        });
        DmHttpSettings settings = DmHttpSettings.DEFAULTS.withRequestTimeout(Duration.ofSeconds(1));

        Throwable t = timed(() -> new GatewayClient(dm.url(), settings).queryStatus("orders"), 10_000);

        // the JDK client caps the header size and calls it "not HTTP"
        assertThat(t).isInstanceOf(DmBadReplyException.class).hasMessageNotContaining("\n");
        assertThat(dm.bytesWritten()).isLessThan(WRITTEN_BOUND);
    }

    @Test
    void theWholeConnectionPathIsBoundedFromTheFirstRequest() {
        // DmMasterConnection's first request is OpenAPI detection (GET /api/v1/dm.json): an endless spec is refused
        // there, and the next try still works once the DM-master behaves
        dm.on("GET", "/api/v1/dm.json", endless("Transfer-Encoding: chunked\r\n"));
        DmMasterConnection conn = DmMasterClients.connect(dm.url(),
                DmHttpSettings.DEFAULTS.withMaxReplyBytes(MIB));

        Throwable t = timed(() -> conn.status(List.of("orders")), 10_000);

        assertThat(t).isInstanceOf(DmBadReplyException.class).hasMessageContaining("larger than 1 MiB");
        dm.on("GET", "/api/v1/dm.json", WireServer.json(404, "404 page not found"));
        dm.on("GET", STATUS, WireServer.json(Samples.read(Samples.RUNNING).replace("fk-lab", "orders")));
        assertThat(conn.status(List.of("orders")).subtasks()).singleElement()
                .satisfies(s -> assertThat(s.task()).isEqualTo("orders"));
    }

    private static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
