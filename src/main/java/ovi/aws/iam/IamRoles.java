package ovi.aws.iam;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import ovi.aws.AwsClients;
import ovi.aws.Observations;
import ovi.engine.AbstractResourceKind;
import ovi.engine.ResourceLookup;
import ovi.model.Action;
import ovi.model.DesiredResource;
import ovi.model.Intent;
import ovi.model.Field;
import ovi.model.Observation;
import ovi.model.Scope;
import ovi.model.Tags;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.Role;

/**
 * IAM roles through one run's clients. ListRoles gives no tags: each role's tags take one call
 * (ListRoleTags), and for the roles ovi manages, its attached policies one more, and its inline policies
 * one to list them and one each to read them (IAM has no other way to give them).
 */
final class IamRoles extends AbstractResourceKind {
    private final AwsClients aws;

    IamRoles(AwsClients aws) {
        super(IamRoleKind.TYPE, new IamRoleCreator(aws), new IamRoleUpdater(aws), new IamRoleDeleter(aws));
        this.aws = aws;
    }

    @Override
    public List<Observation> list(String region) {
        IamClient iam = IamRoleKind.iam(aws);
        List<Observation> out = new ArrayList<>();
        for (var page : iam.listRolesPaginator(r -> r.maxItems(1000))) {
            for (Role role : page.roles()) {
                read(iam, role).ifPresent(out::add);
            }
            aws.listed(type(), region, out.size());
        }
        return out;
    }

    @Override
    public List<Observation> find(ResourceLookup.Target t) {
        if (t.cloudId() == null) {
            throw new IllegalArgumentException("a role is looked up by its name, and none was given for " + t.oviId());
        }
        return named(IamRoleKind.iam(aws), t.cloudId()).map(List::of).orElse(List.of());
    }

    /**
     * A create is several calls (the role, then one per policy): one cut off between them left a tagged role
     * without some of its policies, which crash recovery finishes by creating again (the creator takes its
     * own role over and attaches or puts only what is missing).
     */
    @Override
    public List<String> unfinished(Intent intent, Map<String, String> before, Observation found) {
        if (intent.action() != Action.CREATE) {
            return List.of();
        }
        List<String> off = new ArrayList<>();
        toAttach(intent.desired(), found).forEach(arn -> off.add("managedPolicies lacks " + arn));
        toPut(intent.desired(), found).forEach(p -> off.add("inlinePolicies lacks " + IamRoleKind.inline(p)[0]
                + " as declared"));
        return off;
    }

    /** The declared managed policies {@code found} (null: a role just made) does not have attached. */
    static List<String> toAttach(DesiredResource d, Observation found) {
        TreeSet<String> have = IamRoleUpdater.arns(found == null ? null : found.attribute("managedPolicies"));
        return IamRoleUpdater.arns(d.attribute("managedPolicies")).stream().filter(a -> !have.contains(a)).toList();
    }

    /**
     * The declared inline policies {@code found} (null: a role just made) does not have, or has with another
     * document; compared in the canonical form both are read in.
     */
    static List<String> toPut(DesiredResource d, Observation found) {
        var have = Field.elements(found == null ? null : found.attribute("inlinePolicies"));
        return Field.elements(d.attribute("inlinePolicies")).stream().filter(p -> !have.contains(p)).toList();
    }

    /** The role of that name as an observation, or empty when there is none. */
    static Optional<Observation> named(IamClient iam, String name) {
        try {
            Role role = iam.getRole(b -> b.roleName(name)).role();
            return role == null ? Optional.empty() : read(iam, role);
        } catch (AwsServiceException e) {
            if (Observations.errorCode(e, "NoSuchEntity")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Optional<Observation> read(IamClient iam, Role role) {
        String name = role.roleName();
        try {
            Map<String, String> tags = new HashMap<>();
            for (var page : iam.listRoleTagsPaginator(b -> b.roleName(name))) {
                page.tags().forEach(t -> tags.put(t.key(), t.value()));
            }
            Map<String, String> attrs = new HashMap<>();
            Observations.putIfPresent(attrs, "trust", IamRoleKind.observedTrust(role.assumeRolePolicyDocument()));
            if (role.maxSessionDuration() != null) {
                attrs.put("maxSession", role.maxSessionDuration().toString());
            }
            if ("true".equals(tags.get(Tags.MANAGED))) {
                // only ovi's own roles are compared with a declaration: the others are spared the call
                attrs.put("managedPolicies", String.join(",", attached(iam, name)));
                attrs.put("inlinePolicies", Field.setValue(inline(iam, name)));
            }
            return Optional.of(new Observation(IamRoleKind.TYPE, Scope.GLOBAL, name, attrs, tags));
        } catch (AwsServiceException e) {
            if (Observations.errorCode(e, "NoSuchEntity")) {
                return Optional.empty(); // deleted between the list and this call
            }
            throw e;
        }
    }

    /** A role's inline policies, as the elements the config reads them as. */
    static List<String> inline(IamClient iam, String role) {
        List<String> out = new ArrayList<>();
        for (var page : iam.listRolePoliciesPaginator(b -> b.roleName(role))) {
            for (String policy : page.policyNames()) {
                out.add(IamRoleKind.observedInline(policy, iam.getRolePolicy(b -> b.roleName(role).policyName(policy))
                        .policyDocument()));
            }
        }
        return out;
    }

    static TreeSet<String> attached(IamClient iam, String role) {
        TreeSet<String> arns = new TreeSet<>();
        for (var page : iam.listAttachedRolePoliciesPaginator(b -> b.roleName(role))) {
            page.attachedPolicies().stream().map(AttachedPolicy::policyArn).forEach(arns::add);
        }
        return arns;
    }
}
