package ovi.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FieldTest {
    static Field.Value string(String s) {
        return new Field.Value(s, true, false, s, "the string '" + s + "'");
    }

    static Field.Value integer(long n) {
        return new Field.Value(Long.toString(n), false, true, n, "the integer " + n);
    }

    @Test
    void durationsReadInTheOneGrammarAsWholeSeconds() {
        Field.Reader r = Field.seconds(Duration.ZERO, Duration.ofHours(12));
        assertEquals("90", r.read(string("1m30s")));
        assertEquals("43200", r.read(string("12h")));
        assertEquals("30", r.read(integer(30)), "a bare number is seconds");
        assertEquals("1m30s", r.show("90"), "shown in the grammar it is written in");
        assertEquals("abc", r.show("abc"), "an observed value that is not seconds is shown as it came");
        assertEquals("t3.micro", Field.compared("size", Field.text()).show("t3.micro"));
        var tooLong = assertThrows(IllegalArgumentException.class, () -> r.read(string("13h")));
        assertTrue(tooLong.getMessage().contains("from 0s to 12h"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.read(string("1500ms")), "not whole seconds");
        var bad = assertThrows(IllegalArgumentException.class, () -> r.read(string("soon")));
        assertTrue(bad.getMessage().contains("1h30m"), bad.getMessage());
        var list = assertThrows(IllegalArgumentException.class,
                () -> r.read(new Field.Value("", false, false, List.of(), "a list")));
        assertTrue(list.getMessage().contains("got a list"), list.getMessage());
    }

    @Test
    void aNonEmptySetRefusesAnEmptyListAndIsComparedAsASet() {
        Field.Reader r = Field.nonEmptySetOf(Field.text(), "name at least one");
        assertEquals("a\nb", r.read(new Field.Value("", false, false, List.of("b", "a", "b"), "a list")));
        var empty = assertThrows(IllegalArgumentException.class,
                () -> r.read(new Field.Value("", false, false, List.of(), "a list")));
        assertEquals("name at least one", empty.getMessage());
        assertEquals("", Field.setOf(Field.text()).read(new Field.Value("", false, false, List.of(), "a list")),
                "a plain set may be empty");
        assertTrue(Field.compared("groups", r).set(), "compared element by element like any set");
    }

    @Test
    void aSetWithAMinimumRefusesFewerValuesAndCountsDuplicatesOnce() {
        Field.Reader atLeastOne = Field.setOf(Field.text(), 1);
        assertEquals("a\nb", atLeastOne.read(Field.Value.of(List.of("b", "a", "b"))));
        var empty = assertThrows(IllegalArgumentException.class, () -> atLeastOne.read(Field.Value.of(List.of())));
        assertTrue(empty.getMessage().contains("at least 1 value, got an empty list"), empty.getMessage());
        var twice = assertThrows(IllegalArgumentException.class,
                () -> Field.setOf(Field.text(), 2).read(Field.Value.of(List.of("a", "a"))));
        assertTrue(twice.getMessage().contains("at least 2 values, got 1"), twice.getMessage());
        assertEquals("", Field.setOf(Field.text()).read(Field.Value.of(List.of())), "no minimum: empty is a set");
        assertTrue(Field.compared("groups", atLeastOne).set(), "still a set field, compared element by element");
    }

    @Test
    void booleansAndWholeNumbersAreTheirOwnTypes() {
        assertEquals("true", Field.bool().read(new Field.Value("true", false, false, true, "the boolean true")));
        assertThrows(IllegalArgumentException.class, () -> Field.bool().read(string("true")));
        assertEquals("5", Field.integer(1, 10).read(integer(5)));
        assertThrows(IllegalArgumentException.class, () -> Field.integer(1, 10).read(integer(11)));
        assertThrows(IllegalArgumentException.class, () -> Field.integer(1, 10).read(string("5")));
    }

    @Test
    void aFieldLeftOutTakesItsDefaultFromOwnerAndId() {
        ResourceType queue = ResourceType.regional("queue", "queue", List.of(
                Field.identity("queue", Field.text()).orElse(Field::ownerDashId),
                Field.compared("delay", Field.seconds(Duration.ZERO, Duration.ofMinutes(15))).optional()),
                Set.of(Action.CREATE));
        DesiredResource d = new DesiredResource("jobs-0", queue, "us-east-1", java.util.Map.of("queue", "team-jobs-0"),
                java.util.Map.of());
        assertEquals("team-jobs-0", d.cloudId(), "the identity field is the cloud id");
        assertEquals(List.of("delay"), queue.compared().stream().map(Field::name).toList());
        assertTrue(queue.identity().isPresent());
        assertThrows(IllegalArgumentException.class, () -> new Field("x", Field.Use.CREATE_ONLY, true, true, Field.text(),
                null, java.util.Set.of()), "only a compared field can be disruptive");
    }

    @Test
    void aDefaultNameIsMadeWhatTheServiceAcceptsAndLongOnesStayApart() {
        var name = Field.ownerDashId("A-Za-z0-9_-", 20);
        assertEquals("team.web-jobs-0".replace('.', '-'), name.apply("team.web", "jobs-0"));
        String a = name.apply("a-very-long-owner-name", "jobs-0");
        String b = name.apply("a-very-long-owner-name", "jobs-1");
        assertTrue(a.length() <= 20 && b.length() <= 20, a + " " + b);
        assertTrue(!a.equals(b), "two long names stay apart: " + a);
    }
}
