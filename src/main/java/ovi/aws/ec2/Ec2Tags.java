package ovi.aws.ec2;

import java.util.List;
import java.util.Map;
import ovi.model.Change;
import software.amazon.awssdk.services.ec2.model.Tag;

final class Ec2Tags {
    private Ec2Tags() {
    }

    static List<Tag> of(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    /** The tags an update sets: those its changes name. */
    static List<Tag> changed(List<Change> changes) {
        return changes.stream().filter(c -> c.field().startsWith("tags."))
                .map(c -> Tag.builder().key(c.field().substring(5)).value(c.desired()).build()).toList();
    }
}
