package ovi.aws;

import ovi.engine.ResourceKind;
import ovi.model.ResourceType;

/**
 * One kind of AWS resource, as registered in {@code ovi.Kinds}: its declaration, known without AWS (for
 * the config and the decisions), and the part that talks to AWS, bound to a run's clients.
 */
public interface AwsKind {
    ResourceType type();

    /** The kind, working through {@code aws}; cheap: clients are made on first use. */
    ResourceKind bind(AwsClients aws);
}
