package ovi.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import ovi.aws.Traffic;
import ovi.model.ErrorClass;

/** What a run sent to AWS, for its JSON output and its last lines on stderr. */
final class TrafficReport {
    private TrafficReport() {
    }

    /** {@code services}: per service, calls, attempts, retries, throttles, refused, pacedMs, errors; {@code breakers}. */
    static ObjectNode json(Traffic traffic) {
        ObjectNode root = PlanJson.MAPPER.createObjectNode();
        ObjectNode services = root.putObject("services");
        for (Map.Entry<String, Traffic.Counts> e : traffic.counts().entrySet()) {
            Traffic.Counts c = e.getValue();
            ObjectNode s = services.putObject(e.getKey());
            s.put("calls", c.calls());
            s.put("attempts", c.attempts());
            s.put("retries", c.retries());
            s.put("throttles", c.throttles());
            s.put("refused", c.refused());
            s.put("pacedMs", c.paced().toMillis());
            ObjectNode errors = s.putObject("errors");
            for (ErrorClass k : ErrorClass.values()) {
                errors.put(k.key(), c.errors(k));
            }
        }
        ArrayNode breakers = root.putArray("breakers");
        for (Traffic.Breaker b : traffic.breakers()) {
            ObjectNode n = breakers.addObject();
            n.put("service", b.service());
            n.put("region", b.region());
            n.put("state", b.state());
            n.put("failedCalls", b.failedCalls());
            n.put("refusedCalls", b.refusedCalls());
            n.put("lastFailure", b.lastFailure());
        }
        return root;
    }

    /** Said even with -q: the scopes whose breaker opened, so a cron log shows what was skipped and why. */
    static void warnOpened(Traffic traffic, java.util.function.Consumer<String> warn) {
        List<Traffic.Breaker> open = traffic.breakers().stream().filter(Traffic.Breaker::opened).toList();
        if (open.isEmpty()) {
            return;
        }
        warn.accept("circuit breaker opened, so these were skipped for the rest of the run: " + open.stream()
                .map(b -> b.scope() + " (" + b.failedCalls() + " failed calls, " + b.refusedCalls() + " refused; last: "
                        + b.lastFailure() + ")").collect(Collectors.joining("; ")));
    }
}
