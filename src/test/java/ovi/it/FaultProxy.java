package ovi.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP proxy on 127.0.0.1 in front of the moto server, for fault tests: it forwards every request to
 * moto unless a rule matches, in which case it answers as the rule says (garbage with status 200, an
 * AWS error, a dropped connection, a hang) or forwards and then drops the reply. Every request is
 * recorded. Point ovi at {@link #endpoint()} with {@code --endpoint-url}.
 *
 * <p>Requests are named {@code service:Operation}: {@code ec2:DescribeInstances}, {@code rds:CreateDBInstance},
 * {@code sts:GetCallerIdentity} (the query protocols' {@code Action}, the service from the signature's
 * credential scope), and for S3 (path style) {@code s3:ListBuckets}, {@code s3:CreateBucket},
 * {@code s3:PutBucketTagging}, {@code s3:GetPublicAccessBlock}, {@code s3:PutBucketLifecycleConfiguration}, ...
 */
public final class FaultProxy implements AutoCloseable {
    /** One request as it reached the proxy. */
    public record Request(String operation, String region, String method, String path,
                          Map<String, List<String>> headers, String body) {
        /** A form parameter of a query-protocol request, or null. */
        public String param(String name) {
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
                    return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    }

    /** What the proxy does with a matched request. */
    @FunctionalInterface
    public interface Fault {
        void answer(HttpExchange exchange, Request request, FaultProxy proxy) throws IOException;
    }

    private record Rule(Predicate<Request> match, AtomicInteger left, Fault fault) {
    }

    public static final String HTML = "<!DOCTYPE html><html><head><title>Sign in</title></head>"
            + "<body><h1>Welcome to the guest network</h1><form>...</form></body></html>";

    private final HttpServer server;
    private final ExecutorService pool;
    private final HttpClient upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI target;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    private FaultProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A proxy in front of the moto server the tests run against. */
    public static FaultProxy start() throws IOException {
        return new FaultProxy(Moto.endpoint());
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers the next {@code times} requests named {@code operation} (negative: all of them) with {@code fault}. */
    public FaultProxy on(String operation, int times, Fault fault) {
        return when(r -> r.operation().equals(operation), times, fault);
    }

    /** Answers the next {@code times} requests that {@code match} (negative: all of them) with {@code fault}. */
    public FaultProxy when(Predicate<Request> match, int times, Fault fault) {
        rules.add(new Rule(match, new AtomicInteger(times < 0 ? Integer.MAX_VALUE : times), fault));
        return this;
    }

    /** Every request received so far, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String operation) {
        return requests.stream().filter(r -> r.operation().equals(operation)).toList();
    }

    // ---- faults

    /** Status 200 with an HTML page, as a captive portal or a misrouted load balancer answers. */
    public static Fault html() {
        return body(200, "text/html; charset=utf-8", HTML);
    }

    /** Status 200 with {@code xml} as the body. */
    public static Fault xml(String xml) {
        return body(200, "text/xml", xml);
    }

    public static Fault body(int status, String contentType, String body) {
        return (ex, req, proxy) -> send(ex, status, contentType, body);
    }

    /** The service's throttling error, as AWS sends it. */
    public static Fault throttle() {
        return (ex, req, proxy) -> {
            String service = req.operation().substring(0, req.operation().indexOf(':'));
            switch (service) {
                case "ec2" -> send(ex, 503, "text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors>"
                        + "<Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error>"
                        + "</Errors><RequestID>fault-proxy</RequestID></Response>");
                case "s3" -> send(ex, 503, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"
                        + "<Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
                        + "<RequestId>fault-proxy</RequestId></Error>");
                default -> send(ex, 400, "text/xml", "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                        + "<Message>Rate exceeded</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>");
            }
        };
    }

    /** An internal error of the service (HTTP 500). */
    public static Fault serverError() {
        return body(500, "text/xml", "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
                + "<Message>We encountered an internal error.</Message></Error><RequestId>fault-proxy</RequestId>"
                + "</ErrorResponse>");
    }

    /** The connection is closed with no reply at all. */
    public static Fault drop() {
        return (ex, req, proxy) -> ex.close();
    }

    /** The request reaches moto (and takes effect there), but its reply never comes back. */
    public static Fault forwardThenDrop() {
        return (ex, req, proxy) -> {
            proxy.forward(req);
            ex.close();
        };
    }

    /** No answer until the proxy is closed (or a minute has passed). */
    public static Fault hang() {
        return (ex, req, proxy) -> {
            try {
                proxy.closed.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        };
    }

    /** The request reaches moto and its reply comes back, {@code delay} later (a slow AWS call). */
    public static Fault delay(java.time.Duration delay) {
        return (ex, req, proxy) -> {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            proxy.relay(ex, req);
        };
    }

    // ---- the proxy itself

    private void handle(HttpExchange ex) throws IOException {
        Request req;
        try {
            req = request(ex);
        } catch (RuntimeException | IOException e) {
            ex.close();
            return;
        }
        requests.add(req);
        for (Rule rule : rules) {
            if (rule.match().test(req) && rule.left().getAndDecrement() > 0) {
                rule.fault().answer(ex, req, this);
                return;
            }
        }
        relay(ex, req);
    }

    /** Forwards {@code req} to moto and sends its reply back. */
    private void relay(HttpExchange ex, Request req) throws IOException {
        HttpResponse<byte[]> r = forward(req);
        if (r == null) {
            ex.close();
            return;
        }
        r.headers().map().forEach((k, v) -> {
            if (!Set.of("content-length", "transfer-encoding", "connection", ":status").contains(k.toLowerCase(Locale.ROOT))) {
                ex.getResponseHeaders().put(k, v);
            }
        });
        byte[] body = r.body();
        boolean noBody = req.method().equals("HEAD") || r.statusCode() == 204 || r.statusCode() == 304;
        ex.sendResponseHeaders(r.statusCode(), noBody ? -1 : (body.length == 0 ? -1 : body.length));
        if (!noBody && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    /** Sends the request on to moto; null when moto could not be reached. */
    HttpResponse<byte[]> forward(Request req) {
        HttpRequest.Builder b = HttpRequest.newBuilder(target.resolve(req.path())).timeout(Duration.ofSeconds(60));
        req.headers().forEach((k, v) -> {
            if (!RESTRICTED.contains(k.toLowerCase(Locale.ROOT))) {
                v.forEach(value -> b.header(k, value));
            }
        });
        byte[] body = req.body().getBytes(StandardCharsets.ISO_8859_1);
        b.method(req.method(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            return upstream.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d+/([^/]+)/([^/]+)/aws4_request");

    private static Request request(HttpExchange ex) throws IOException {
        // ISO-8859-1 keeps any bytes as they are when the body is sent on
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String region = null;
        String service = null;
        if (auth != null) {
            Matcher m = SCOPE.matcher(auth);
            if (m.find()) {
                region = m.group(1);
                service = m.group(2);
            }
        }
        String method = ex.getRequestMethod();
        URI uri = ex.getRequestURI();
        String path = uri.getRawPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        Map<String, List<String>> headers = Map.copyOf(ex.getRequestHeaders());
        Request draft = new Request("", region, method, path, headers, body);
        String operation;
        if ("s3".equals(service)) {
            operation = "s3:" + s3Operation(method, uri);
        } else if ("lambda".equals(service)) {
            operation = "lambda:" + lambdaOperation(method, uri);
        } else {
            String action = draft.param("Action");
            // the JSON protocols (SQS, DynamoDB) name the operation in a header: AmazonSQS.ListQueues
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            if (action == null && target != null) {
                action = target.substring(target.lastIndexOf('.') + 1);
            }
            operation = (service == null ? "unknown" : service) + ":" + (action == null ? "unknown" : action);
        }
        return new Request(operation, region, method, path, headers, body);
    }

    /** Lambda speaks REST-JSON: the operation is the method and the path (the calls ovi makes). */
    private static String lambdaOperation(String method, URI uri) {
        List<String> parts = new ArrayList<>(List.of(uri.getRawPath().replaceAll("^/+|/+$", "").split("/")));
        if (parts.size() >= 2 && parts.get(1).equals("tags")) {
            return switch (method) {
                case "GET" -> "ListTags";
                case "POST" -> "TagResource";
                case "DELETE" -> "UntagResource";
                default -> "unknown";
            };
        }
        if (parts.size() < 2 || !parts.get(1).equals("functions")) {
            return "unknown";
        }
        if (parts.size() == 2) {
            return method.equals("GET") ? "ListFunctions" : method.equals("POST") ? "CreateFunction" : "unknown";
        }
        if (parts.size() == 3) {
            return method.equals("GET") ? "GetFunction" : method.equals("DELETE") ? "DeleteFunction" : "unknown";
        }
        return switch (method + " " + parts.get(3)) {
            case "GET configuration" -> "GetFunctionConfiguration";
            case "PUT configuration" -> "UpdateFunctionConfiguration";
            case "PUT code" -> "UpdateFunctionCode";
            default -> "unknown";
        };
    }

    private static String s3Operation(String method, URI uri) {
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        boolean bucketLevel = uri.getRawPath().replaceAll("^/+|/+$", "").indexOf('/') < 0;
        boolean root = uri.getRawPath().equals("/") || uri.getRawPath().isEmpty();
        List<String> q = new ArrayList<>(List.of(query.split("&")));
        q.replaceAll(p -> p.contains("=") ? p.substring(0, p.indexOf('=')) : p);
        if (root) {
            return "ListBuckets";
        }
        if (!bucketLevel) {
            return method.equals("GET") ? "GetObject" : method.equals("PUT") ? "PutObject" : method + "Object";
        }
        if (q.contains("tagging")) {
            return switch (method) {
                case "GET" -> "GetBucketTagging";
                case "PUT" -> "PutBucketTagging";
                default -> "DeleteBucketTagging";
            };
        }
        if (q.contains("location")) {
            return "GetBucketLocation";
        }
        for (var setting : Map.of("versioning", "BucketVersioning", "encryption", "BucketEncryption",
                "publicAccessBlock", "PublicAccessBlock", "lifecycle", "BucketLifecycle").entrySet()) {
            if (q.contains(setting.getKey())) {
                String name = setting.getValue();
                String configuration = name.equals("BucketLifecycle") ? "Configuration" : "";
                return switch (method) {
                    case "GET" -> "Get" + name + configuration;
                    case "PUT" -> "Put" + name + configuration;
                    default -> "Delete" + name;
                };
            }
        }
        if (q.contains("versions")) {
            return "ListObjectVersions";
        }
        if (q.contains("list-type")) {
            return "ListObjectsV2";
        }
        return switch (method) {
            case "PUT" -> "CreateBucket";
            case "DELETE" -> "DeleteBucket";
            case "HEAD" -> "HeadBucket";
            default -> "GetBucket";
        };
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
