package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import ovi.Ovi;
import ovi.engine.ExitCode;
import ovi.engine.OviException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The composition root: what it hands the commands, and the store it picks for --store-url. */
class WiringTest {
    @TempDir
    Path dir;

    final Wiring wiring = new Wiring(Ovi::commandLine);

    static StateOptions storeUrl(String url) {
        StateOptions s = new StateOptions();
        s.storeUrl = url;
        return s;
    }

    @Test
    void everyCommandAndMixinThatTakesTheWiringIsGivenIt() throws Exception {
        CommandLine.IFactory factory = wiring.factory();

        assertSame(wiring, factory.create(ApplyCommand.class).wiring);
        assertSame(wiring, factory.create(AuditState.class).wiring());
        assertTrue(factory.create(StateOptions.class) != null, "a class that takes no wiring is made as picocli would");
    }

    @Test
    void everyVerbOfOvisCommandLineSharesOneWiring() {
        CommandLine cl = Ovi.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        Wiring applies = ((ApplyCommand) cl.getSubcommands().get("apply").getCommand()).wiring;

        AuditState status = cl.getSubcommands().get("status").getCommandSpec().mixins().values().stream()
                .map(m -> m.userObject()).filter(AuditState.class::isInstance).map(AuditState.class::cast).findFirst()
                .orElseThrow();

        assertTrue(applies != null);
        assertSame(applies, status.wiring(), "status reads the state through the same composition root");
    }

    @Test
    void aStoreUrlWithAPasswordIsRefusedWithoutShowingIt() {
        OviException e = assertThrows(OviException.class,
                () -> wiring.openStore(storeUrl("jdbc:postgresql://ovi:s3cret@db:5432/ovi"), dir));

        assertEquals(ExitCode.USAGE, e.exitCode());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertTrue(e.getMessage().contains("OVI_STORE_PASSWORD"), e.getMessage());
    }

    @Test
    void aStoreUrlThatIsNotJdbcIsRefused() {
        OviException e = assertThrows(OviException.class, () -> wiring.openStoreToRead(storeUrl("mysql://db/ovi"), dir));

        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("--store-url must be a jdbc:postgresql: (or jdbc:h2:) URL"), e.getMessage());
    }

    @Test
    void theAuditVerbsFindNoEmbeddedStoreWhereNoneWasWritten() {
        assertNull(wiring.openStoreToRead(new StateOptions(), dir));
    }

    @Test
    void debugIsSeenWhereverItIsGiven() {
        CommandLine cl = Ovi.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        assertTrue(ErrorHandler.debug(cl.parseArgs("--debug", "status", "--state-dir", "x")));

        cl = Ovi.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        assertTrue(ErrorHandler.debug(cl.parseArgs("wal", "show", "--debug", "--state-dir", "x")));

        cl = Ovi.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        assertFalse(ErrorHandler.debug(cl.parseArgs("status", "--state-dir", "x")));
    }
}
