package ovi.notify;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import ovi.engine.Notifications;
import ovi.engine.ResourceKind;
import ovi.model.NotifyTarget;
import ovi.model.ResourceType;

/**
 * Delivers events to topics through their kind's publisher, with the run's AWS clients: the SDK's own
 * retries, timeouts, rate limits and breakers apply, as to every call ovi makes. The message is the
 * CloudEvent in JSON, as a webhook receives it.
 */
public final class Topics implements Notifications.Channel {
    private final Function<ResourceType, Optional<ResourceKind.Publisher>> publishers;
    private final Function<Throwable, String> describe;

    /** @param describe says what went wrong with a call, in one line */
    public Topics(Function<ResourceType, Optional<ResourceKind.Publisher>> publishers, Function<Throwable, String> describe) {
        this.publishers = publishers;
        this.describe = describe;
    }

    @Override
    public int deliver(NotifyTarget target, Notifications.Event event, Instant deadline) {
        ResourceKind.Publisher p = publishers.apply(target.type()).orElseThrow(() -> new Notifications.Undelivered(
                "ovi cannot publish to " + target.type().noun() + "s", 0));
        if (!Instant.now().isBefore(deadline)) {
            throw new Notifications.Undelivered("the run's time for notifications ran out", 0);
        }
        try {
            p.publish(target.region(), target.address(), "ovi " + event.type() + " " + event.subject(),
                    CloudEvents.text(event));
            return 1;
        } catch (RuntimeException e) {
            throw new Notifications.Undelivered(describe.apply(e), 1);
        }
    }

    /** Sends each target's events to the channel of its kind. */
    public static Notifications.Channel route(Notifications.Channel webhooks, Notifications.Channel topics) {
        return (target, event, deadline) -> (target.channel() == NotifyTarget.Channel.WEBHOOK ? webhooks : topics)
                .deliver(target, event, deadline);
    }
}
