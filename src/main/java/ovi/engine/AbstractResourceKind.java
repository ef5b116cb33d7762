package ovi.engine;

import java.util.Optional;
import ovi.model.ResourceType;

/**
 * A kind whose parts are given when it is made; a part left null is one the kind does not have (and its
 * {@link ResourceType} must say so: {@link Kinds} checks).
 */
public abstract class AbstractResourceKind implements ResourceKind {
    private final ResourceType type;
    private final Creator creator;
    private final Updater updater;
    private final Deleter deleter;

    protected AbstractResourceKind(ResourceType type, Creator creator, Updater updater, Deleter deleter) {
        this.type = type;
        this.creator = creator;
        this.updater = updater;
        this.deleter = deleter;
    }

    @Override
    public final ResourceType type() {
        return type;
    }

    @Override
    public final Optional<Creator> creator() {
        return Optional.ofNullable(creator);
    }

    @Override
    public final Optional<Updater> updater() {
        return Optional.ofNullable(updater);
    }

    @Override
    public final Optional<Deleter> deleter() {
        return Optional.ofNullable(deleter);
    }
}
