import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * LoopbackDynamoDB starts DynamoDB Local listening on 127.0.0.1 only.
 *
 * <p>DynamoDB Local's own main binds every interface (its Jetty server is built
 * with {@code new Server(port)}, whose connector has no host). This launcher
 * builds the server the same way DynamoDB Local does, sets the host of every
 * Jetty connector to 127.0.0.1 before starting it, and prints one line
 * {@code portalid-dynamodb-listening 127.0.0.1:<port>} to stdout once the
 * socket is open, so a caller can wait for it and learn the port.
 *
 * <p>Usage: {@code LoopbackDynamoDB [-port N] [-inMemory | -dbPath DIR] [-stopOnStdinClose]}.
 * Port 0 (the default) picks a free port. With -stopOnStdinClose the
 * process exits when its stdin reaches end of file, so it cannot outlive a
 * parent that holds the other end of a pipe.
 */
public final class LoopbackDynamoDB {
    static final String HOST = "127.0.0.1";
    static final String READY = "portalid-dynamodb-listening";

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            // DynamoDB Local leaves non-daemon threads behind, so a failed
            // start would hang instead of exiting.
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        int port = 0;
        String dbPath = null;
        boolean stopOnStdinClose = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-port":
                    port = Integer.parseInt(value(args, ++i, "-port"));
                    break;
                case "-dbPath":
                    dbPath = value(args, ++i, "-dbPath");
                    break;
                case "-inMemory":
                    dbPath = null;
                    break;
                case "-stopOnStdinClose":
                    stopOnStdinClose = true;
                    break;
                default:
                    fail("unknown argument " + args[i]);
            }
        }
        if (port < 0 || port > 65535) {
            fail("port must be 0..65535");
        }

        List<String> ddb = new ArrayList<>();
        // DynamoDB Local rejects port 0; the connector's port is set below.
        ddb.add("-port");
        ddb.add(port == 0 ? "8000" : Integer.toString(port));
        if (dbPath == null) {
            ddb.add("-inMemory");
        } else {
            ddb.add("-dbPath");
            ddb.add(dbPath);
        }
        ddb.add("-sharedDb"); // one database whatever the credentials and region
        ddb.add("-disableTelemetry");

        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(ddb.toArray(new String[0]));
        Server jetty = jettyOf(proxy);
        List<ServerConnector> connectors = new ArrayList<>();
        for (Connector c : jetty.getConnectors()) {
            if (!(c instanceof ServerConnector)) {
                fail("unexpected Jetty connector " + c.getClass().getName());
            }
            ServerConnector sc = (ServerConnector) c;
            sc.setHost(HOST);
            sc.setPort(port);
            connectors.add(sc);
        }
        if (connectors.size() != 1) {
            fail("expected one Jetty connector, found " + connectors.size());
        }

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                proxy.stop();
            } catch (Exception e) {
                // exiting anyway
            }
        }));

        // start() reports a busy port on stderr and returns instead of
        // throwing, so check that the socket really is open.
        proxy.start();
        ServerConnector sc = connectors.get(0);
        if (!sc.isOpen() || sc.getLocalPort() <= 0) {
            fail("DynamoDB Local did not open " + HOST + ":" + port);
        }
        System.out.println(READY + " " + HOST + ":" + sc.getLocalPort());
        System.out.flush();

        if (stopOnStdinClose) {
            Thread watcher = new Thread(LoopbackDynamoDB::exitOnStdinClose, "stdin-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }
        proxy.join();
    }

    private static Server jettyOf(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
        Field f = DynamoDBProxyServer.class.getDeclaredField("server");
        f.setAccessible(true);
        return (Server) f.get(proxy);
    }

    private static void exitOnStdinClose() {
        InputStream in = System.in;
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // discard
            }
        } catch (Exception e) {
            // treat a broken stdin like a closed one
        }
        System.exit(0);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            fail(flag + " needs a value");
        }
        return args[i];
    }

    private static void fail(String msg) {
        System.err.println("LoopbackDynamoDB: " + msg);
        System.exit(2);
    }
}
