package ovi.aws.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import ovi.config.ConfigException;
import ovi.config.ConfigLoader;
import ovi.config.Problem;
import ovi.model.DesiredResource;
import ovi.model.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The EC2 kind's settings as the config reads them, each into the canonical form it compares or launches with. */
class Ec2FieldsTest {
    private static final String HEADER = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
              - type: ec2
                name: web
                size: t3.micro
                image: ami-12c6146b
            """;

    @TempDir
    Path dir;

    /** The one instance {@code fields} (indented as the resource's keys) declare, from a config file in {@link #dir}. */
    DesiredResource load(String fields) throws Exception {
        Path config = dir.resolve("ovi.yaml");
        Files.writeString(config, HEADER + fields);
        List<DesiredResource> desired = ConfigLoader.load(config).desired();
        assertEquals(1, desired.size());
        return desired.get(0);
    }

    /** The one problem {@code fields} make, as {@code key: message}. */
    String problem(String fields) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load(fields));
        assertEquals(1, e.problems().size(), e::getMessage);
        Problem p = e.problems().get(0);
        return p.key() + ": " + p.message();
    }

    static void assertContains(String text, String part) {
        assertTrue(text.contains(part), text);
    }

    @Test
    void anInstanceWithNoSettingsHasNoneOfThemAndComparesOnlyItsSize() throws Exception {
        DesiredResource d = load("");
        assertEquals(Map.of("size", "t3.micro", "image", "ami-12c6146b"), d.attributes(),
                "a setting left out is not declared: not compared, and AWS's default at launch");
        assertEquals(List.of("size", "securityGroups", "iamInstanceProfile", "monitoring"),
                Ec2Kind.TYPE.compared().stream().map(Field::name).toList());
    }

    @Test
    void subnetAndKeyNameAreTakenAsWritten() throws Exception {
        DesiredResource d = load("    subnet: subnet-0abc1234\n    keyName: ops key 2026\n");
        assertEquals("subnet-0abc1234", d.attribute("subnet"));
        assertEquals("ops key 2026", d.attribute("keyName"));
        assertEquals("subnet-0123456789abcdef0", load("    subnet: subnet-0123456789abcdef0\n").attribute("subnet"));
        assertContains(problem("    subnet: web-subnet\n"), "resources[0].subnet: 'web-subnet' is not valid; expected a "
                + "subnet id such as subnet-0abc1234");
        assertContains(problem("    keyName: ' ops'\n"), "resources[0].keyName: ' ops' is not valid");
        assertContains(problem("    keyName: \"clé\"\n"), "a key pair name of up to 255 ASCII characters");
    }

    @Test
    void securityGroupsAreASetOfIdsOrNamesOfDeclaredGroupsAndNeverEmpty() throws Exception {
        DesiredResource d = load("    securityGroups: [sg-0bbb2222, sg-0aaa1111, sg-0bbb2222]\n");
        assertEquals("sg-0aaa1111\nsg-0bbb2222", d.attribute("securityGroups"), "sorted, each id once");
        assertTrue(Ec2Kind.TYPE.field("securityGroups").orElseThrow().set());
        assertEquals(java.util.Set.of("security-group"), Ec2Kind.TYPE.field("securityGroups").orElseThrow().refersTo());
        assertContains(problem("    securityGroups: []\n"), "resources[0].securityGroups: expected at least 1 value");
        assertContains(problem("    securityGroups: [sg-0aaa1111, 'Web SG']\n"),
                "item 2: 'Web SG' is neither a security group id such as sg-0abc1234 nor the name of a declared resource");
        // a name must be of a declared resource of the security-group kind: here it names nothing declared
        assertContains(problem("    securityGroups: [web-sg]\n"), "'web-sg' is not a declared resource");
    }

    @Test
    void anInstanceProfileComparesByNameWhetherWrittenAsNameOrArn() throws Exception {
        assertEquals("app-profile", load("    iamInstanceProfile: app-profile\n").attribute("iamInstanceProfile"));
        assertEquals("app-profile", load("    iamInstanceProfile: arn:aws:iam::123456789012:instance-profile/app-profile\n")
                .attribute("iamInstanceProfile"));
        assertEquals("app-profile", load("    iamInstanceProfile: arn:aws:iam::123456789012:instance-profile/teams/web/"
                + "app-profile\n").attribute("iamInstanceProfile"), "a profile's path is not part of its name");
        assertEquals("", load("    iamInstanceProfile: false\n").attribute("iamInstanceProfile"), "false: no profile");
        assertContains(problem("    iamInstanceProfile: true\n"), "or false for none; not the boolean true");
        assertContains(problem("    iamInstanceProfile: arn:aws:iam::123456789012:role/app\n"),
                "resources[0].iamInstanceProfile: iamInstanceProfile is an instance profile's name");
        // as DescribeInstances gives it, and as plans show it
        assertEquals("app-profile", Ec2Fields.profileName("arn:aws:iam::123456789012:instance-profile/x/app-profile"));
        assertEquals("", Ec2Fields.profileName(null));
        assertEquals("(none)", Ec2Kind.TYPE.field("iamInstanceProfile").orElseThrow().show(""));
        assertEquals("app-profile", Ec2Kind.TYPE.field("iamInstanceProfile").orElseThrow().show("app-profile"));
    }

    @Test
    void monitoringIsTrueOrFalse() throws Exception {
        assertEquals("true", load("    monitoring: true\n").attribute("monitoring"));
        assertEquals("false", load("    monitoring: false\n").attribute("monitoring"));
        assertContains(problem("    monitoring: detailed\n"), "resources[0].monitoring: expected true or false");
    }

    @Test
    void userDataWrittenInlineIsTheTextItself() throws Exception {
        DesiredResource d = load("""
                    userData: |
                      #!/bin/sh
                      echo hello > /tmp/hello
                """);
        assertEquals("#!/bin/sh\necho hello > /tmp/hello\n", d.attribute("userData"));
        assertContains(problem("    userData: ''\n"), "resources[0].userData: userData must not be empty");
        assertContains(problem("    userData: 5\n"), "userData is the script itself as text, or {file: boot.sh}");
        assertContains(problem("    userData: {path: boot.sh}\n"), "userData is the script itself as text, or {file: boot.sh}");
    }

    @Test
    void userDataFromAFileIsReadFromTheConfigsDirectory() throws Exception {
        Files.createDirectories(dir.resolve("boot"));
        Files.writeString(dir.resolve("boot/web.sh"), "#!/bin/sh\necho web\n");
        assertEquals("#!/bin/sh\necho web\n", load("    userData: {file: boot/web.sh}\n").attribute("userData"));
        assertEquals("#!/bin/sh\necho web\n", load("    userData:\n      file: " + dir.resolve("boot/web.sh") + "\n")
                .attribute("userData"), "an absolute path is read as it is");
        // the same name in the working directory is not the one meant: the config's directory is
        Path elsewhere = Files.createTempDirectory(dir, "other");
        Files.writeString(elsewhere.resolve("ovi.yaml"), HEADER + "    userData: {file: boot/web.sh}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(elsewhere.resolve("ovi.yaml")));
        assertContains(e.getMessage(), "userData file 'boot/web.sh' (" + elsewhere.resolve("boot/web.sh")
                + ") does not exist; a relative path is read from the config's directory " + elsewhere);
    }

    @Test
    void aUserDataFileThatIsMissingADirectoryOrTooLargeIsRefusedSayingSo() throws Exception {
        assertContains(problem("    userData: {file: nope.sh}\n"), "resources[0].userData: userData file 'nope.sh' ("
                + dir.resolve("nope.sh") + ") does not exist");
        Files.createDirectories(dir.resolve("scripts"));
        assertContains(problem("    userData: {file: scripts}\n"), "userData file 'scripts' (" + dir.resolve("scripts")
                + ") is a directory, not a file");
        Files.write(dir.resolve("big.sh"), new byte[16 * 1024 + 1]);
        assertContains(problem("    userData: {file: big.sh}\n"), "is 16385 bytes; EC2 takes at most 16384 bytes (16 KiB)");
        Files.writeString(dir.resolve("full.sh"), "#".repeat(16 * 1024));
        assertEquals(16 * 1024, load("    userData: {file: full.sh}\n").attribute("userData").length(),
                "16 KiB exactly is what EC2 takes");
        Files.write(dir.resolve("latin1.sh"), "echo caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertContains(problem("    userData: {file: latin1.sh}\n"), "is not UTF-8 text");
        Files.writeString(dir.resolve("empty.sh"), "\n");
        assertContains(problem("    userData: {file: empty.sh}\n"), "is empty");
        String inline = "    userData: |\n" + ("      " + "x".repeat(1000) + "\n").repeat(17);
        assertContains(problem(inline), "userData is 17017 bytes; EC2 takes at most 16384 bytes");
    }

    @Test
    void aUserDataFileThatIsNotAPlainFileIsRefused() throws Exception {
        Path fifo = dir.resolve("pipe.sh");
        Process mk;
        try {
            mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (java.io.IOException e) {
            mk = null;
        }
        assumeTrue(mk != null && mk.waitFor() == 0, "mkfifo is available");
        // reading a pipe would wait for a writer for ever; it is refused before that
        assertContains(problem("    userData: {file: pipe.sh}\n"), "userData file 'pipe.sh' (" + fifo + ") is not a regular file");
    }

    @Test
    void aUserDataFileThatCannotBeReadIsRefused() throws Exception {
        Path locked = Files.writeString(dir.resolve("locked.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(locked), "not running as root, who reads every file");
        assertContains(problem("    userData: {file: locked.sh}\n"), "cannot be read: permission denied");
    }

    @Test
    void aUserDataFileNeedsAConfigReadFromAFile() {
        Field.Reader r = Ec2Kind.TYPE.field("userData").orElseThrow().reader();
        var e = assertThrows(IllegalArgumentException.class, () -> r.read(Field.Value.of(Map.of("file", "boot.sh"))));
        assertContains(e.getMessage(), "this config was not read from a file");
    }

    @Test
    void theRootVolumeIsEncryptedUnlessSaidOtherwise() throws Exception {
        assertEquals("size=20,type=gp3,encrypted=true", load("    rootVolume: {size: 20Gi, type: gp3}\n")
                .attribute("rootVolume"));
        assertEquals("size=30,encrypted=true", load("    rootVolume: {size: 30}\n").attribute("rootVolume"),
                "a plain number is GiB");
        assertEquals("size=1024,encrypted=true", load("    rootVolume: {size: 1Ti}\n").attribute("rootVolume"));
        assertEquals("encrypted=true", load("    rootVolume: {}\n").attribute("rootVolume"),
                "an empty mapping is the image's root volume, encrypted");
        assertEquals("type=gp2,encrypted=false", load("    rootVolume: {type: gp2, encrypted: false}\n")
                .attribute("rootVolume"));
        assertEquals("size=100,type=io2,iops=5000,encrypted=true",
                load("    rootVolume: {encrypted: true, iops: 5000, type: io2, size: 100}\n").attribute("rootVolume"),
                "the same order however written");
        assertNull(load("").attribute("rootVolume"), "left out: the image's root volume as the image has it");
        assertEquals(Map.of("size", "20", "type", "gp3", "encrypted", "true"),
                Ec2Fields.rootVolumeParts("size=20,type=gp3,encrypted=true"));
    }

    @Test
    void aRootVolumeThatEc2CannotBootFromIsRefused() throws Exception {
        assertContains(problem("    rootVolume: {size: 1.5Gi}\n"), "1.5 GiB; AWS allocates storage in whole GiB");
        assertContains(problem("    rootVolume: {size: 0}\n"), "below the minimum of 1 GiB");
        assertContains(problem("    rootVolume: {size: true}\n"), "rootVolume size is a size such as 20Gi");
        assertContains(problem("    rootVolume: {type: ssd}\n"), "rootVolume type is one of gp2, gp3, io1, io2, st1, sc1, "
                + "standard, not 'ssd'");
        assertContains(problem("    rootVolume: {type: st1}\n"), "a throughput disk, which EC2 cannot boot from");
        assertContains(problem("    rootVolume: {type: io1}\n"), "rootVolume type io1 needs iops");
        assertContains(problem("    rootVolume: {type: gp2, iops: 3000}\n"), "iops applies to type gp3, io1 or io2 only, not gp2");
        assertContains(problem("    rootVolume: {iops: 3000}\n"), "say which type");
        assertContains(problem("    rootVolume: {encrypted: yes please}\n"), "rootVolume encrypted is true or false");
        assertContains(problem("    rootVolume: {size: 20, kms: mine}\n"), "rootVolume takes size, type, iops and "
                + "encrypted, not 'kms'");
        assertContains(problem("    rootVolume: 20Gi\n"), "rootVolume is a mapping of size, type, iops and encrypted");
    }
}
