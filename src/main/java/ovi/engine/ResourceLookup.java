package ovi.engine;

import java.util.List;
import ovi.model.Intent;
import ovi.model.Observation;

/** Looks one resource up again right before acting on it, so nothing is done on a stale picture. */
public interface ResourceLookup {

    /**
     * Called once per intent, after its resource was claimed. Returns the resource as it is now, in the
     * same form the {@link ResourceObserver} gives (so content hashes compare): found by cloud id when the
     * intent has one, else by the owner and ovi id it would be created with. Empty when it does not exist.
     * Safe to call from several threads.
     *
     * @throws RuntimeException when the cloud cannot answer: the intent is then skipped, never guessed
     */
    List<Observation> lookup(Intent intent, String owner);
}
