package ovi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdoptConfigTest {
    static final String HEAD = "version: v1\nprovider: aws\nregion: us-east-1\nowner: team-web\nresources:\n";

    @Test
    void adoptNamesTheCloudIdADeclarationStandsFor() throws ConfigException {
        OviConfig c = ConfigLoader.parse(HEAD + "  - {type: security-group, name: web-sg, groupName: web, adopt: sg-0123456789abcdef0}\n"
                + "  - {type: ec2, name: web, size: t3.micro, image: ami-1, securityGroups: [web-sg], adopt: i-0abc}\n", null);
        assertEquals("sg-0123456789abcdef0", c.desired().get(0).adopt());
        assertEquals("i-0abc", c.desired().get(1).adopt());
        assertEquals("@{web-sg-0}", c.desired().get(1).attribute("securityGroups"));
    }

    @Test
    void adoptStandsForOneResource() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(HEAD
                + "  - {type: ec2, name: web, count: 2, size: t3.micro, image: ami-1, adopt: i-0abc}\n", null));
        assertTrue(e.getMessage().contains("resources[0].adopt") && e.getMessage().contains("count must be 1"),
                e.getMessage());
    }

    @Test
    void oneResourceIsAdoptedOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(HEAD
                + "  - {type: ec2, name: a, size: t3.micro, image: ami-1, adopt: i-0abc}\n"
                + "  - {type: ec2, name: b, size: t3.micro, image: ami-1, adopt: i-0abc}\n", null));
        assertTrue(e.getMessage().contains("already adopted by resources[0]"), e.getMessage());
    }

    @Test
    void anAdoptThatIsNoCloudIdIsRefusedWhereItIs() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(HEAD
                + "  - {type: ec2, name: a, size: t3.micro, image: ami-1, adopt: 'i 0abc; rm'}\n", null));
        assertTrue(e.getMessage().contains(":6:") && e.getMessage().contains("adopt"), e.getMessage());
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(HEAD
                + "  - {type: ec2, name: a, size: t3.micro, image: ami-1, adopt: 12}\n", null));
    }
}
