package ovi.aws.securitygroup;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import ovi.aws.AwsClients;
import ovi.aws.AwsKind;
import ovi.aws.ReplyCheck;
import ovi.engine.ResourceKind;
import ovi.model.Action;
import ovi.model.Field;
import ovi.model.ResourceType;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * EC2 security groups, per region: {@code groupName} (default {@code <owner>-<id>}), {@code vpc} (left out:
 * the region's default VPC, and not compared) and {@code description}, none of which AWS can change in
 * place (a difference is reported, never made); {@code ingress} and {@code egress}, the rules, compared as
 * sets of {@link Rule}s, so a rule added or taken away by hand is a change of its own. Egress left out is
 * not compared (AWS's allow-all egress stays); declared, it is exact. The cloud id is the group id.
 */
public final class SecurityGroupKind implements AwsKind {
    static final Pattern VPC_ID = Pattern.compile("vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})");
    /** What AWS allows in a VPC group's name and description; a name may not look like a group id. */
    private static final String CHARS = "A-Za-z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*";
    private static final Pattern NAME = Pattern.compile("(?!sg-)[" + CHARS + "]{1,255}");
    private static final Pattern DESCRIPTION = Pattern.compile("[" + CHARS + "]{1,255}");
    static final String DEFAULT_DESCRIPTION = "managed by ovi";

    /** {@code <owner>-<id>} as a group name; one that would start like a group id is prefixed, as AWS refuses it. */
    static final BiFunction<String, String, String> DEFAULT_NAME = (owner, id) -> {
        String name = Field.ownerDashId("A-Za-z0-9._-", 251).apply(owner, id);
        return name.startsWith("sg-") ? "ovi-" + name : name;
    };

    public static final ResourceType TYPE = ResourceType.regional("security-group", "security group", List.of(
            Field.fixed("groupName", Field.matching(NAME, "a group name of 1 to 255 letters, digits, spaces and "
                    + "._-:/()#,@[]+=&;{}!$*, not starting with sg-")).orElse(DEFAULT_NAME),
            Field.fixed("vpc", Field.matching(VPC_ID, "a VPC id such as vpc-0123456789abcdef0")).optional(),
            Field.fixed("description", Field.matching(DESCRIPTION, "1 to 255 letters, digits, spaces and "
                    + "._-:/()#,@[]+=&;{}!$*")).orElse((owner, id) -> DEFAULT_DESCRIPTION),
            Field.compared("ingress", Field.setOf(Rule.READER)).orElse((owner, id) -> "").refersTo("security-group"),
            Field.compared("egress", Field.setOf(Rule.READER)).optional().refersTo("security-group")),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE));

    /**
     * EC2 speaks the query protocol; the list it observes with is present even when empty, and a create's
     * reply names the new group.
     */
    public static final ReplyCheck.Rules REPLIES = ReplyCheck.Rules.query(Map.of(
            "DescribeSecurityGroups", "<securityGroupInfo", "CreateSecurityGroup", "<groupId"));

    @Override
    public ResourceType type() {
        return TYPE;
    }

    @Override
    public ResourceKind bind(AwsClients aws) {
        return new SecurityGroups(region -> ec2(aws, region), (region, n) -> aws.listed(TYPE, region, n));
    }

    /** A client of its own (not the instances' one), so that its reply rules are these. */
    static Ec2Client ec2(AwsClients aws, String region) {
        return aws.client("ec2-security-groups", region, Ec2Client::builder, b -> b, REPLIES);
    }
}
