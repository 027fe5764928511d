package org.chaingraph.neo4jtestserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * A real Neo4j Community server (DBMS embedded in this JVM) with Bolt on 127.0.0.1, for tests.
 *
 * <pre>
 * java -cp ... org.chaingraph.neo4jtestserver.Neo4jTestServer --home DIR [--port N]
 *      [--password-env VAR | --password PW | --no-auth] [--pagecache 256m]
 *      [--no-stdin-watch] [--watch-pid PID]
 * </pre>
 *
 * Prints exactly one line, {@code NEO4J_READY bolt://127.0.0.1:PORT}, on stdout once Bolt accepts
 * connections and the password is set; everything else goes to stderr or to DIR/logs. Runs until
 * stdin reaches end of file (unless --no-stdin-watch), the process named by --watch-pid ends, or
 * SIGTERM/SIGINT; then shuts the DBMS down and exits 0. Exit code 2: bad arguments; 1: failed.
 */
public final class Neo4jTestServer {
    private static final String READY = "NEO4J_READY";

    private Neo4jTestServer() {}

    public static void main(String[] args) {
        // Keep stdout for the one READY line: anything a library prints goes to stderr.
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);

        String home = null;
        int port = 0;
        String password = null;
        String passwordEnv = "NEO4J_PASSWORD";
        boolean auth = true;
        long pagecache = ByteUnit.mebiBytes(256);
        boolean watchStdin = true;
        long watchPid = -1;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--home" -> home = args[++i];
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--password" -> password = args[++i];
                    case "--password-env" -> passwordEnv = args[++i];
                    case "--no-auth" -> auth = false;
                    case "--pagecache" -> pagecache = ByteUnit.parse(args[++i]);
                    case "--no-stdin-watch" -> watchStdin = false;
                    case "--watch-pid" -> watchPid = Long.parseLong(args[++i]);
                    case "-h", "--help" -> {
                        System.err.println("usage: Neo4jTestServer --home DIR [--port N] [--password-env VAR | --password PW | --no-auth]"
                                + " [--pagecache 256m] [--no-stdin-watch] [--watch-pid PID]");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + a);
                }
            }
            if (home == null) {
                throw new IllegalArgumentException("--home DIR is required");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be 0..65535");
            }
            if (auth && password == null) {
                password = System.getenv(passwordEnv);
                if (password == null || password.isEmpty()) {
                    throw new IllegalArgumentException("auth is on but no password: set $" + passwordEnv
                            + " or pass --password PW (or --no-auth)");
                }
            }
            if (auth && password.length() < 8) {
                throw new IllegalArgumentException("the password must have at least 8 characters (Neo4j's minimum)");
            }
        } catch (RuntimeException e) {
            System.err.println("neo4j-test-server: " + e.getMessage());
            System.exit(2);
            return;
        }

        try {
            run(out, Path.of(home).toAbsolutePath(), port, auth, password, pagecache, watchStdin, watchPid);
        } catch (Throwable t) {
            System.err.println("neo4j-test-server: failed: " + t);
            t.printStackTrace(System.err);
            Runtime.getRuntime().halt(1);
        }
    }

    private static void run(PrintStream out, Path home, int port, boolean auth, String password, long pagecache,
                            boolean watchStdin, long watchPid) throws Exception {
        Files.createDirectories(home);
        long t0 = System.nanoTime();
        // With port 0 pick a free port first, so that the advertised address (used by neo4j://
        // routing) names the real port; retry if another process takes it in between.
        DatabaseManagementService started = null;
        for (int attempt = 1; started == null; attempt++) {
            int p = port != 0 ? port : freePort();
            try {
                started = build(home, p, auth, pagecache);
            } catch (RuntimeException e) {
                if (port != 0 || attempt >= 5 || !isBindFailure(e)) {
                    throw e;
                }
                System.err.println("neo4j-test-server: port " + p + " was taken, trying another");
            }
        }
        DatabaseManagementService dbms = started;
        AtomicBoolean stopped = new AtomicBoolean(false);
        AtomicBoolean failed = new AtomicBoolean(false);
        CountDownLatch done = new CountDownLatch(1);
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                System.err.println("neo4j-test-server: shutting down");
                try {
                    dbms.shutdown();
                } catch (Throwable t) {
                    System.err.println("neo4j-test-server: shutdown failed: " + t);
                    failed.set(true);
                }
                done.countDown();
            }
        };
        // SIGTERM / SIGINT (and System.exit): stop Neo4j cleanly, then end with 0 (1 if the
        // shutdown failed) rather than the JVM's 143 for SIGTERM.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            try {
                done.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            System.err.println("neo4j-test-server: stopped");
            System.err.flush();
            Runtime.getRuntime().halt(failed.get() ? 1 : 0);
        }, "neo4j-test-server-shutdown"));

        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        GraphDatabaseService neo4j = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!neo4j.isAvailable(Duration.ofMinutes(3).toMillis())) {
            throw new IllegalStateException("database 'neo4j' did not become available");
        }
        long t1 = System.nanoTime();
        if (auth) {
            try {
                system.executeTransactionally("ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            } catch (RuntimeException e) {
                // A reused data folder may already have this password.
                if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                    throw e;
                }
            }
        }

        ConnectorPortRegister ports = ((GraphDatabaseAPI) system).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class);
        HostnamePort bolt = ports.getLocalAddress(ConnectorType.BOLT);
        if (bolt == null) {
            throw new IllegalStateException("Bolt connector did not register a port");
        }
        int boltPort = bolt.getPort();
        waitForTcp("127.0.0.1", boltPort, Duration.ofSeconds(60));
        System.err.printf("neo4j-test-server: ready in %.1f s (DBMS %.1f s, password %.1f s), home %s%n",
                (System.nanoTime() - t0) / 1e9, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9, home);
        out.println(READY + " bolt://127.0.0.1:" + boltPort);
        out.flush();

        if (watchStdin) {
            Thread t = new Thread(() -> {
                try {
                    InputStream in = System.in;
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // treat as closed
                }
                System.err.println("neo4j-test-server: stdin closed");
                stop.run();
            }, "neo4j-test-server-stdin");
            t.setDaemon(true);
            t.start();
        }
        if (watchPid > 0) {
            var handle = ProcessHandle.of(watchPid);
            if (handle.isEmpty()) {
                System.err.println("neo4j-test-server: watched process " + watchPid + " is already gone");
                stop.run();
            } else {
                handle.get().onExit().thenRun(() -> {
                    System.err.println("neo4j-test-server: watched process " + watchPid + " ended");
                    stop.run();
                });
            }
        }
        done.await();
        // Runs the hook above, which ends the JVM; blocks if the hook is already running.
        System.exit(failed.get() ? 1 : 0);
    }

    private static DatabaseManagementService build(Path home, int port, boolean auth, long pagecache) {
        SocketAddress address = new SocketAddress("127.0.0.1", port);
        return new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, address)
                .setConfig(BoltConnector.advertised_address, address)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pagecache)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // No usage reports: this machine must not phone home.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseInternalSettings.udc_network_enabled, false)
                .build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.BindException
                    || String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static void waitForTcp(String host, int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Bolt port " + port + " does not accept connections", e);
                }
                Thread.sleep(100);
            }
        }
    }
}
