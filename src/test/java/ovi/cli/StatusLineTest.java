package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import ovi.aws.ec2.Ec2Kind;
import ovi.model.Scope;
import org.junit.jupiter.api.Test;

class StatusLineTest {
    static final Scope EC2 = Scope.of(Ec2Kind.TYPE, "us-east-1");
    static final Scope EC2_WEST = Scope.of(Ec2Kind.TYPE, "eu-west-1");
    static final long MS = 1_000_000L;

    final StringWriter screen = new StringWriter();
    /** The line's clock, moved by hand: nothing here waits. */
    final AtomicLong now = new AtomicLong(1_000 * MS);
    final StatusLine line = new StatusLine(screen, now::get, 120);

    @Test
    void observingSaysTheScopeItsPagesAndResourcesAndTheRate() {
        assertEquals("observing ec2/us-east-1: page 3, 2,400 resources (2,950 in 4 scopes, 1,475/s)",
                StatusLine.observing(EC2, 3, 2400, 4, 2950, 2.0));
        assertEquals("observing ec2/us-east-1: page 1, 1,000 resources (2,000/s)",
                StatusLine.observing(EC2, 1, 1000, 1, 1000, 0.5));
        assertEquals("observing ec2/us-east-1: page 1, 10 resources", StatusLine.observing(EC2, 1, 10, 1, 10, 0.1),
                "no rate from a moment's work");
        assertEquals("applying: 12 of 40 done; create ec2 web-3", StatusLine.applying("create ec2 web-3", 12, 40));
    }

    @Test
    void aLongLineIsCutToTheTerminalLessOneColumn() {
        assertEquals("abcdefghi", StatusLine.fit("abcdefghi", 10));
        assertEquals("abcdefgh…", StatusLine.fit("abcdefghijk", 10));
    }

    @Test
    void theLineIsRewrittenInPlaceForEachPage() {
        line.listed(EC2, 1000);
        assertEquals("\robserving ec2/us-east-1: page 1, 1,000 resources\u001b[K", screen.toString());
        now.addAndGet(10 * MS);
        line.listed(EC2, 2000);
        assertTrue(screen.toString().endsWith("\robserving ec2/us-east-1: page 2, 2,000 resources\u001b[K"),
                screen::toString);
        now.addAndGet(1000 * MS);
        line.listed(EC2_WEST, 7);
        assertTrue(screen.toString().endsWith("\robserving ec2/eu-west-1: page 1, 7 resources (2,007 in 2 scopes, "
                + "1,987/s)\u001b[K"), screen::toString);
    }

    @Test
    void aLogLineTakesTheStatusOffTheScreenAndPutsItBack() {
        Log log = new Log(new PrintWriter(screen), Log.Format.text, "r1", false).withStatus(line);
        log.progress().listed(EC2, 5);
        log.info("observed ec2/us-east-1: 5 resources");
        assertEquals("\robserving ec2/us-east-1: page 1, 5 resources\u001b[K" + StatusLine.CLEAR
                + "ovi: observed ec2/us-east-1: 5 resources\n" + "\robserving ec2/us-east-1: page 1, 5 resources\u001b[K",
                screen.toString().replace(System.lineSeparator(), "\n"));
        log.endStatus();
        assertTrue(screen.toString().endsWith(StatusLine.CLEAR), "ended: off the screen");
        int before = screen.toString().length();
        log.progress().acting("create ec2 web-0", 0, 1);
        log.info("done");
        assertEquals("ovi: done" + System.lineSeparator(), screen.toString().substring(before), "never drawn again");
    }

    @Test
    void quietOrJsonLinesHaveNoStatusLine() {
        Log quiet = new Log(new PrintWriter(screen), Log.Format.text, "r1", true).withStatus(line);
        quiet.progress().listed(EC2, 5);
        Log json = new Log(new PrintWriter(screen), Log.Format.json, "r1", false).withStatus(line);
        json.progress().acting("create ec2 web-0", 0, 1);
        assertEquals("", screen.toString());
    }

    @Test
    void controlCharactersFromTheConfigAreShownNotObeyed() {
        line.acting("create ec2 web\u001b]0;owned\u0007", 0, 1);
        String drawn = screen.toString();
        assertTrue(drawn.contains("web\\x1b]0;owned\\x07"), drawn);
        assertFalse(drawn.substring(1, drawn.length() - 3).contains("\u001b"), "only the line's own sequences: " + drawn);
    }

    @Test
    void hiddenForStdoutItComesBackWithTheNextNews() {
        line.acting("create ec2 web-0", 0, 2);
        line.hide();
        assertTrue(screen.toString().endsWith(StatusLine.CLEAR));
        now.addAndGet(10 * MS);
        line.acting("create ec2 web-1", 1, 2);
        assertTrue(screen.toString().endsWith("\rapplying: 1 of 2 done; create ec2 web-1\u001b[K"), screen::toString);
    }
}
