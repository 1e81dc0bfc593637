package io.kitbridge.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The DynamoDB stand-in itself: it must outlive what our client does to it on purpose. */
class DynaliteTest {

    @Test
    void should_keep_serving_when_a_client_aborts_a_request_mid_body() throws Exception {
        // guards: dynalite rethrew an aborted request (ECONNRESET) as an uncaught exception and exited; the DynamoDB
        // client aborts calls at its deadline-derived timeouts, so one timeout under load failed every later test
        // GIVEN the shared dynalite
        Dynalite dynalite = Dynalite.shared();
        URI endpoint = URI.create(dynalite.endpoint());
        // WHEN a client sends half a request and resets the connection (SO_LINGER 0: an RST, as an aborted call does)
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()));
            OutputStream out = socket.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: " + endpoint.getHost() + "\r\nContent-Length: 1000\r\n"
                    + "X-Amz-Target: DynamoDB_20120810.ListTables\r\n\r\n{\"Lim").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoLinger(true, 0);
        }
        // THEN once Node has seen the reset (a bounded poll on that condition, not on time) it still serves
        for (int i = 0; i < 100 && dynalite.alive() && !Files.readString(dynalite.log()).contains("aborted its request"); i++) {
            Thread.sleep(50);
        }
        assertTrue(dynalite.alive(), "dynalite exited after an aborted request");
        assertTrue(Files.readString(dynalite.log()).contains("aborted its request"), "the aborted request is logged");
        assertNotNull(KitWorld.client(dynalite.endpoint()).listTables().tableNames());
    }
}
