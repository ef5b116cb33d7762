package ovi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configs written to hurt: huge, endless, not files at all, tagged, or in words AWS refuses. */
class ConfigBoundsTest {
    static final String HEADER = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
            """;

    @TempDir
    Path dir;

    static String problem(Path file) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        return e.getMessage();
    }

    static List<Problem> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, Path.of("ovi.yaml"))).problems();
    }

    static Problem only(String yaml) {
        List<Problem> p = problems(yaml);
        assertEquals(1, p.size(), p::toString);
        return p.get(0);
    }

    @Test
    void somethingThatIsNotARegularFileIsRefusedAtOnce() throws Exception {
        // hang guards only: each refusal must come without reading anything
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertTrue(problem(Path.of("/dev/zero")).contains("not a regular file"));
            Path fifo = dir.resolve("fifo");
            Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
            assertTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0);
            assertTrue(problem(fifo).contains("not a regular file"));
            assertTrue(problem(dir).contains("a directory"));
        });
    }

    @Test
    void aFileOverTheCapIsRefusedWithoutBeingRead() throws Exception {
        Path big = dir.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(3L << 30); // 3 GB, sparse: nothing is really written
        }
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertTrue(problem(big).contains("larger than 10 MB")));
    }

    @Test
    void aHugeKeyIsRefusedQuickly() throws Exception {
        Path f = dir.resolve("key.yaml");
        Files.writeString(f, HEADER + "  - type: ec2\n    " + "k".repeat(5 << 20) + ": 1\n");
        String why = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> problem(f));
        assertTrue(why.contains("line 7 is longer than"), why);
    }

    @Test
    void yamlTagsAreRefusedWhereTheyStand() {
        Problem p = only(HEADER.replace("owner: team-web", "owner: !!python/object:os.system 'id'")
                + "  - type: s3\n    bucket: team-web-assets\n");
        assertEquals(4, p.line(), p::toString);
        assertTrue(p.message().contains("YAML tags") && p.message().contains("python/object"), p::toString);
        assertTrue(only(HEADER + "  - !foo {type: s3, bucket: team-web-assets}\n").message().contains("YAML tags"));
    }

    @Test
    void anEmptyTagValueAndANullOneMeanTheSame() throws Exception {
        for (String v : List.of("", " ~", " null", " \"\"")) {
            OviConfig c = ConfigLoader.parse(HEADER + "  - type: s3\n    bucket: team-web-assets\n    tags:\n      team:"
                    + v + "\n", Path.of("ovi.yaml"));
            assertEquals(java.util.Map.of("team", ""), c.desired().get(0).tags(), "team:" + v);
        }
    }

    @Test
    void regionsAreTheOnesAwsHas() {
        Problem p = only(HEADER.replace("region: us-east-1", "region: zz-moon-9") + "  - type: s3\n    bucket: b-1-x\n");
        assertEquals(3, p.line(), p::toString);
        assertTrue(p.message().contains("'zz-moon-9' is not an AWS region"), p::toString);
        assertEquals(List.of(), problemsOrNone(HEADER.replace("region: us-east-1", "region: us-gov-west-1")
                + "  - type: s3\n    bucket: b-1-x\n"));
    }

    @Test
    void bucketNamesAwsReservesAreRefused() {
        for (String name : List.of("xn--team-assets", "team-assets-s3alias", "sthree-assets", "assets--ol-s3")) {
            Problem p = only(HEADER + "  - type: s3\n    bucket: " + name + "\n");
            assertTrue(p.message().contains("AWS reserves"), p::toString);
        }
    }

    @Test
    void tagsAwsWouldRefuseAreProblems() {
        assertTrue(only(HEADER + "  - type: s3\n    bucket: b-1-x\n    tags: {\"aws:cloudformation\": x}\n")
                .message().contains("reserved by AWS"));
        assertTrue(only(HEADER + "  - type: s3\n    bucket: b-1-x\n    tags: {team: \"\\e[2Jgone\"}\n")
                .message().contains("may hold only"));
        assertTrue(only(HEADER + "  - type: s3\n    bucket: b-1-x\n    tags: {\"te\\x07am\": web}\n")
                .message().contains("may hold only"));
    }

    private static List<Problem> problemsOrNone(String yaml) {
        try {
            ConfigLoader.parse(yaml, Path.of("ovi.yaml"));
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }
}
