package io.openledger.chain.internal.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * JSON-RPC over HTTP POST with the JDK's {@code com.sun.net.httpserver} (module {@code jdk.httpserver},
 * a supported, exported JDK API): the node needs one POST endpoint on loopback, no TLS, no
 * servlets; it adds no third-party dependency (so nothing for dependency convergence) and runs each
 * request on a virtual thread. Bodies above {@code maxBodyBytes} get HTTP 413.
 */
public final class RpcServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final ObjectMapper mapper = new ObjectMapper();
    private final RpcMethods methods;
    private final int maxBodyBytes;

    /** Binds to {@code address} (port 0 picks a free port) and starts serving. */
    public RpcServer(InetSocketAddress address, RpcMethods methods, int maxBodyBytes) throws IOException {
        this.methods = methods;
        this.maxBodyBytes = maxBodyBytes;
        this.server = HttpServer.create(address, 128);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if ("OPTIONS".equals(ex.getRequestMethod())) {
                cors(ex);
                ex.sendResponseHeaders(204, -1);
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                send(ex, 405, "{\"error\":\"use POST\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(maxBodyBytes + 1);
            }
            if (body.length > maxBodyBytes) {
                send(
                        ex,
                        413,
                        mapper.writeValueAsBytes(RpcMethods.error(
                                mapper.nullNode(), -32600, "request body exceeds " + maxBodyBytes + " bytes")));
                return;
            }
            JsonNode req;
            try {
                req = mapper.readTree(body);
            } catch (IOException e) {
                send(ex, 200, mapper.writeValueAsBytes(RpcMethods.error(mapper.nullNode(), -32700, "parse error")));
                return;
            }
            if (req == null) {
                send(ex, 200, mapper.writeValueAsBytes(RpcMethods.error(mapper.nullNode(), -32700, "parse error")));
                return;
            }
            send(ex, 200, mapper.writeValueAsBytes(methods.handle(req)));
        }
    }

    private static void cors(HttpExchange ex) {
        ex.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
        ex.getResponseHeaders().add("Access-Control-Allow-Headers", "Content-Type");
    }

    private static void send(HttpExchange ex, int status, byte[] out) throws IOException {
        cors(ex);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
