package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * {@code ovi plan -o html --out} against moto with seeded drift, the page loaded in a real headless
 * browser (Debian's chromium, installed by scripts/test.sh): what its script draws is what the JSON says,
 * the filter in the address's fragment hides what it should, and tag values written as markup stay text.
 */
class ReportHtmlIT {
    /** Tag values an attacker could set on a resource in the account. */
    static final String SCRIPT = "<script>document.documentElement.setAttribute('data-pwned','script')</script>";
    static final String IMG = "\"><img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">";
    /** Where the page and its screenshot stay for a person to look at. */
    static final Path OUT = Path.of("target", "report-html-it").toAbsolutePath();

    @TempDir
    Path dir;
    Path config;
    Path state;
    String handMade;

    @BeforeAll
    static void needsChromium() {
        if (chromium() == null) {
            throw new AssertionError("chromium is not installed, so the HTML report cannot be tested in a browser: "
                    + "run the tests with scripts/test.sh (it installs it), or apt-get install chromium");
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        Files.createDirectories(OUT);
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0", "team", SCRIPT));
            Moto.runInstance(ec2, "t3.small", Moto.managed("team-web", "web-1", "team", "b\u202eadmin"));
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "old-0"));
            Moto.runInstance(ec2, "t3.micro", Moto.managed(IMG, "theirs-0"));
            handMade = Moto.runInstance(ec2, "t3.micro", Map.of("Name", "hand-made"));
            String vpc = ec2.describeVpcs().vpcs().get(0).vpcId();
            String sg = ec2.createSecurityGroup(b -> b.vpcId(vpc).groupName("legacy-sg").description("by hand"))
                    .groupId();
            ec2.createTags(b -> b.resources(sg).tags(Tag.builder().key("Name").value("legacy-sg").build()));
        }
        Files.writeString(config, """
                version: v1
                provider: aws
                region: us-east-1
                owner: team-web
                ignore:
                  - {type: security-group, name: "legacy-*"}
                resources:
                  - type: ec2
                    name: web
                    count: 2
                    size: t3.micro
                    image: ami-12c6146b
                    tags: {team: web}
                  - type: s3
                    name: assets
                    bucket: team-web-assets
                  - type: ec2
                    name: far
                    region: eu-south-2
                    size: t3.micro
                    image: ami-12c6146b
                """);
    }

    @Test
    void theReportDrawsWhatTheJsonSaysFiltersByItsFragmentAndKeepsMarkupFromAwsAsText() throws Exception {
        Path report = OUT.resolve("report.html");
        Files.deleteIfExists(report);
        Cli.Result json;
        Cli.Result html;
        // eu-south-2 cannot be observed (every call to it fails): an unobserved scope, with why
        try (FaultProxy proxy = FaultProxy.start()) {
            proxy.when(q -> "eu-south-2".equals(q.region()), -1, FaultProxy.serverError());
            String endpoint = proxy.endpoint().toString();
            json = Cli.json("plan", config, state, "--endpoint-url", endpoint);
            html = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-o", "html",
                    "--out", report.toString(), "--endpoint-url", endpoint);
        }
        assertEquals(0, json.code(), json::toString);
        assertEquals(0, html.code(), html::toString);
        assertEquals("", html.out(), "with --out the page goes to the file, not stdout");
        assertTrue(html.err().contains("wrote the report to " + report), html::toString);
        JsonNode plan = json.json();
        Map<String, Integer> want = new LinkedHashMap<>();
        for (String k : List.of("missing", "unwanted", "drifted", "unmanaged")) {
            want.put(k, 0);
        }
        plan.get("diffs").forEach(d -> want.merge(d.get("kind").asText(), 1, Integer::sum));
        want.put("ignored", plan.get("ignored").size());
        want.put("unobserved", plan.get("unobserved").size());
        // every kind is there, so a count the script got wrong or left at zero shows
        want.forEach((k, n) -> assertTrue(n > 0, "the seeded drift has some " + k + ": " + json));

        String page = Files.readString(report);
        assertFalse(page.contains("<img"), "no markup from AWS in the file");
        assertFalse(Pattern.compile("(src|href)=\"?(https?:)?//").matcher(page).find(), "nothing fetched from anywhere");

        // when: the browser draws it with no filter
        String dom = dumpDom(report, "");
        assertEquals("true", attribute(dom, "<html", "data-rendered"), "the page's script ran to the end");
        Map<String, Integer> drawn = new LinkedHashMap<>();
        want.keySet().forEach(k -> drawn.put(k, count(dom, k)));
        assertEquals(want, drawn, "the summary the script drew");
        assertEquals(plan.get("diffs").size(), rows(dom).size(), "one row per difference");
        assertTrue(rows(dom).stream().noneMatch(Row::hidden), "nothing hidden without a filter");
        assertTrue(dom.contains(plan.get("diffs").size() + " of " + plan.get("diffs").size() + " differences shown"));
        // the field-level change: current -> desired, the attacker's value as text
        assertTrue(dom.contains("<b>tags.team</b>: <span class=\"old\">&lt;script&gt;document.documentElement"
                + ".setAttribute('data-pwned','script')&lt;/script&gt;</span><span class=\"arrow\">→</span>"
                + "<span class=\"new\">web</span>"), dom);
        assertTrue(dom.contains("<b>size</b>: <span class=\"old\">t3.small</span><span class=\"arrow\">→</span>"
                + "<span class=\"new\">t3.micro</span>"), dom);
        assertTrue(dom.contains("\"&gt;&lt;img src=x onerror="), "the other owner's name, as text: " + dom);
        assertTrue(dom.contains("<span class=\"old\">b\\u202eadmin</span>"), "a right-to-left override, shown: " + dom);
        assertFalse(dom.contains("\u202e"), "and not obeyed");
        assertFalse(dom.contains("<img"), "no element made from a tag value");
        assertEquals(null, attribute(dom, "<html", "data-pwned"), "no script from a tag value ran");
        assertTrue(dom.contains("<td class=\"action-none\">none: not observed</td><td class=\"name\">ec2</td>"
                + "<td class=\"name\">far-0</td>"), dom);
        // the scope not observed, with why
        assertTrue(Pattern.compile("<tr class=\"unobserved-row\" data-region=\"eu-south-2\"><td>ec2</td>"
                + "<td>eu-south-2</td><td>[^<]*</td><td>[^<]+</td></tr>").matcher(dom).find(), dom);

        // when: a kind and a text filter come in the fragment
        List<Row> filtered = rows(dumpDom(report, "#kind=drifted&q=web-1"));
        assertEquals(List.of("web-1"), filtered.stream().filter(r -> !r.hidden()).map(Row::id).toList(), filtered::toString);
        assertTrue(filtered.stream().filter(r -> !r.kind().equals("drifted")).allMatch(Row::hidden));
        // and a region
        List<Row> far = rows(dumpDom(report, "#region=eu-south-2"));
        assertEquals(List.of("far-0"), far.stream().filter(r -> !r.hidden()).map(Row::id).toList(), far::toString);

        Path png = OUT.resolve("report.png");
        Files.deleteIfExists(png);
        browser(report, "", "--screenshot=" + png, "--window-size=1280,1400");
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', "a PNG screenshot at " + png);
    }

    @Test
    void withoutOutThePageGoesToStdoutAndAnUnwritableDirectoryIsRefusedBeforeObserving() throws Exception {
        Files.writeString(config, "version: v1\nprovider: aws\nregion: us-east-1\nowner: team-web\nresources: []\n");
        Cli.Result r = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-o", "html", "-q",
                "--allow-empty");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("<!DOCTYPE html>"), r::toString);

        Path nowhere = dir.resolve("no-such-dir").resolve("report.html");
        Cli.Result refused = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-o", "html",
                "--allow-empty", "--out", nowhere.toString());
        assertEquals(1, refused.code(), refused::toString);
        assertTrue(refused.err().contains("cannot write the report to " + nowhere + ": the directory "
                + nowhere.getParent() + " does not exist"), refused::toString);
        assertFalse(refused.err().contains("observed ec2/"), "refused before observing: " + refused);
        assertFalse(Files.exists(nowhere.getParent()));
    }

    record Row(String kind, String id, boolean hidden) {
    }

    /** The difference rows as drawn: their kind, their id cell, and whether the filter hid them. */
    static List<Row> rows(String dom) {
        List<Row> rows = new ArrayList<>();
        Matcher m = Pattern.compile("<tr class=\"row\"([^>]*)>(?:<td[^>]*>[^<]*</td>){2}<td[^>]*>([^<]*)</td>").matcher(dom);
        while (m.find()) {
            Matcher kind = Pattern.compile("data-kind=\"([a-z]+)\"").matcher(m.group(1));
            assertTrue(kind.find(), m.group());
            rows.add(new Row(kind.group(1), m.group(2), m.group(1).contains(" hidden=\"\"")));
        }
        return rows;
    }

    static int count(String dom, String kind) {
        Matcher m = Pattern.compile("<span class=\"n\" id=\"count-" + kind + "\">(\\d+)</span>").matcher(dom);
        assertTrue(m.find(), "no count for " + kind + " in\n" + dom);
        return Integer.parseInt(m.group(1));
    }

    static String attribute(String dom, String tag, String name) {
        Matcher m = Pattern.compile(Pattern.quote(tag) + "[^>]*\\s" + name + "=\"([^\"]*)\"").matcher(dom);
        return m.find() ? m.group(1) : null;
    }

    String dumpDom(Path page, String fragment) throws Exception {
        return browser(page, fragment, "--dump-dom");
    }

    /** Runs headless chromium on {@code page}; returns its stdout. Nothing it loads can reach the network. */
    String browser(Path page, String fragment, String... what) throws Exception {
        Path profile = Files.createTempDirectory(dir, "chromium");
        List<String> cmd = new ArrayList<>(List.of(chromium(), "--headless", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--user-data-dir=" + profile,
                "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=5000"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("--no-sandbox");  // chromium's sandbox refuses to start as root
        }
        cmd.addAll(List.of(what));
        cmd.add(page.toUri() + fragment);
        Path log = dir.resolve("chromium.log");
        Path out = Files.createTempFile(dir, "chromium", ".out");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + cmd);
        }
        assertEquals(0, p.exitValue(), () -> "chromium failed: " + cmd + "\n" + readQuietly(log));
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static String chromium() {
        for (String dirName : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path c = Path.of(dirName, "chromium");
            if (Files.isExecutable(c)) {
                return c.toString();
            }
        }
        return null;
    }
}
