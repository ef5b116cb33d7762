package ovi.aws.securitygroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ovi.engine.Fence;
import ovi.model.Action;
import ovi.model.Change;
import ovi.model.DesiredResource;
import ovi.model.Intent;
import ovi.model.Outcome;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupEgressRequest;
import software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupEgressResponse;
import software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupIngressRequest;
import software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupIngressResponse;
import software.amazon.awssdk.services.ec2.model.CreateSecurityGroupRequest;
import software.amazon.awssdk.services.ec2.model.DeleteSecurityGroupRequest;
import software.amazon.awssdk.services.ec2.model.DeleteSecurityGroupResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsResponse;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.RevokeSecurityGroupEgressRequest;
import software.amazon.awssdk.services.ec2.model.RevokeSecurityGroupEgressResponse;
import software.amazon.awssdk.services.ec2.model.RevokeSecurityGroupIngressRequest;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.paginators.DescribeSecurityGroupsIterable;

/** The creator, updater and deleter against a scripted EC2 client: what they call, and what they make of refusals. */
class SecurityGroupPartsTest {
    /** The SDK's builder-lambda overloads build the request and call the scripted overload, as the real client does. */
    private final Ec2Client ec2 = mock(Ec2Client.class, i -> i.getMethod().getParameterCount() == 1
            && i.getMethod().getParameterTypes()[0] == java.util.function.Consumer.class
            ? i.callRealMethod() : org.mockito.Mockito.RETURNS_DEFAULTS.answer(i));
    private final List<String> fenced = new ArrayList<>();
    private final Fence fence = () -> fenced.add("check");

    /** A clock that moves only when slept on. */
    static final class FakeTime implements Waiting {
        long now;
        final List<Long> slept = new ArrayList<>();

        @Override
        public long millis() {
            return now;
        }

        @Override
        public void sleep(long millis) {
            slept.add(millis);
            now += millis;
        }
    }

    private static AwsServiceException error(String code) {
        return AwsServiceException.builder().statusCode(400).requestId("req-" + code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " says AWS").build()).build();
    }

    private static DesiredResource desired(String ingress, String egress) {
        Map<String, String> a = new java.util.HashMap<>(Map.of("groupName", "team-web-lb-0", "description", "managed by ovi",
                "ingress", ingress));
        if (egress != null) {
            a.put("egress", egress);
        }
        return new DesiredResource("lb-0", SecurityGroupKind.TYPE, "us-east-1", a, Map.of("team", "web"));
    }

    private static Intent create(DesiredResource d) {
        return new Intent(Action.CREATE, "missing", "lb-0", SecurityGroupKind.TYPE, "us-east-1", null, null, d,
                List.of(), "declared but not found", "r-plan");
    }

    private static SecurityGroup group(String id, Map<String, String> tags, IpPermission... egress) {
        return SecurityGroup.builder().groupId(id).groupName("team-web-lb-0").vpcId("vpc-0a1b2c3d")
                .description("managed by ovi").tags(tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey())
                        .value(e.getValue()).build()).toList()).ipPermissionsEgress(egress).build();
    }

    private static final IpPermission ALL_OUT = IpPermission.builder().ipProtocol("-1")
            .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build()).build();
    private static final Map<String, String> OURS = Map.of("ovi:managed", "true", "ovi:owner", "team-web", "ovi:id", "lb-0");

    @Test
    void aCreateMakesTheGroupWithItsTagsThenItsRulesAndRevokesTheDefaultEgressWhenEgressIsDeclared() {
        when(ec2.createSecurityGroup(any(CreateSecurityGroupRequest.class))).thenAnswer(i -> software.amazon.awssdk
                .services.ec2.model.CreateSecurityGroupResponse.builder().groupId("sg-0a1b2c3d").build());
        when(ec2.describeSecurityGroups(any(DescribeSecurityGroupsRequest.class))).thenReturn(
                DescribeSecurityGroupsResponse.builder().securityGroups(group("sg-0a1b2c3d", OURS, ALL_OUT)).build());
        when(ec2.authorizeSecurityGroupIngress(any(AuthorizeSecurityGroupIngressRequest.class)))
                .thenReturn(AuthorizeSecurityGroupIngressResponse.builder().build());
        when(ec2.authorizeSecurityGroupEgress(any(AuthorizeSecurityGroupEgressRequest.class)))
                .thenReturn(AuthorizeSecurityGroupEgressResponse.builder().build());
        when(ec2.revokeSecurityGroupEgress(any(RevokeSecurityGroupEgressRequest.class)))
                .thenReturn(RevokeSecurityGroupEgressResponse.builder().build());

        Outcome o = new SecurityGroupCreator(r -> ec2, new FakeTime()).create(
                create(desired("tcp 443 0.0.0.0/0\ntcp 80 0.0.0.0/0", "tcp 5432 10.0.0.0/16")), "team-web", fence);

        Outcome.Executed x = assertInstanceOf(Outcome.Executed.class, o);
        assertEquals("sg-0a1b2c3d", x.cloudId());
        assertEquals("created security group sg-0a1b2c3d (team-web-lb-0): authorized ingress tcp 443 0.0.0.0/0; "
                + "authorized ingress tcp 80 0.0.0.0/0; authorized egress tcp 5432 10.0.0.0/16; revoked egress all 0.0.0.0/0",
                x.message());
        var created = org.mockito.ArgumentCaptor.forClass(CreateSecurityGroupRequest.class);
        verify(ec2).createSecurityGroup(created.capture());
        assertEquals("security-group", created.getValue().tagSpecifications().get(0).resourceTypeAsString());
        assertEquals(Map.of("ovi:managed", "true", "ovi:owner", "team-web", "ovi:id", "lb-0", "team", "web"),
                created.getValue().tagSpecifications().get(0).tags().stream().collect(
                        java.util.stream.Collectors.toMap(Tag::key, Tag::value)), "the tags come with the create itself");
        var ingress = org.mockito.ArgumentCaptor.forClass(AuthorizeSecurityGroupIngressRequest.class);
        verify(ec2).authorizeSecurityGroupIngress(ingress.capture());
        assertEquals(2, ingress.getValue().ipPermissions().size(), "one call for every ingress rule");
        assertEquals(4, fenced.size(), "the fence before each of the four mutating calls");
    }

    @Test
    void aCreateWithEgressLeftOutLeavesTheDefaultEgressAlone() {
        when(ec2.createSecurityGroup(any(CreateSecurityGroupRequest.class))).thenAnswer(i -> software.amazon.awssdk
                .services.ec2.model.CreateSecurityGroupResponse.builder().groupId("sg-0a1b2c3d").build());
        when(ec2.describeSecurityGroups(any(DescribeSecurityGroupsRequest.class))).thenReturn(
                DescribeSecurityGroupsResponse.builder().securityGroups(group("sg-0a1b2c3d", OURS, ALL_OUT)).build());

        Outcome o = new SecurityGroupCreator(r -> ec2, new FakeTime()).create(create(desired("", null)), "team-web", fence);

        assertEquals("created security group sg-0a1b2c3d (team-web-lb-0)", ((Outcome.Executed) o).message());
        verify(ec2, never()).revokeSecurityGroupEgress(any(RevokeSecurityGroupEgressRequest.class));
        verify(ec2, never()).authorizeSecurityGroupIngress(any(AuthorizeSecurityGroupIngressRequest.class));
    }

    @Test
    void aNewGroupNotYetVisibleIsWaitedForBriefly() {
        when(ec2.createSecurityGroup(any(CreateSecurityGroupRequest.class))).thenAnswer(i -> software.amazon.awssdk
                .services.ec2.model.CreateSecurityGroupResponse.builder().groupId("sg-0a1b2c3d").build());
        when(ec2.describeSecurityGroups(any(DescribeSecurityGroupsRequest.class))).thenThrow(error("InvalidGroup.NotFound"))
                .thenReturn(DescribeSecurityGroupsResponse.builder().securityGroups(group("sg-0a1b2c3d", OURS)).build());
        FakeTime time = new FakeTime();

        Outcome o = new SecurityGroupCreator(r -> ec2, time).create(create(desired("", null)), "team-web", fence);

        assertInstanceOf(Outcome.Executed.class, o);
        assertEquals(List.of(200L), time.slept);
    }

    @Test
    void aRetriedCreateTakesOverTheGroupOfThatNameOnlyWhenItCarriesItsOwnTags() {
        when(ec2.createSecurityGroup(any(CreateSecurityGroupRequest.class))).thenThrow(error("InvalidGroup.Duplicate"));
        when(ec2.describeSecurityGroupsPaginator(any(DescribeSecurityGroupsRequest.class)))
                .thenAnswer(i -> new DescribeSecurityGroupsIterable(ec2, i.getArgument(0)));
        when(ec2.describeSecurityGroups(any(DescribeSecurityGroupsRequest.class))).thenReturn(
                DescribeSecurityGroupsResponse.builder().securityGroups(group("sg-0a1b2c3d", OURS)).build());
        when(ec2.authorizeSecurityGroupIngress(any(AuthorizeSecurityGroupIngressRequest.class)))
                .thenReturn(AuthorizeSecurityGroupIngressResponse.builder().build());

        Outcome o = new SecurityGroupCreator(r -> ec2, new FakeTime()).create(create(desired("tcp 443 0.0.0.0/0", null)),
                "team-web", fence);

        Outcome.Executed x = assertInstanceOf(Outcome.Executed.class, o);
        assertEquals("found security group sg-0a1b2c3d (team-web-lb-0), which a create before this one made: authorized "
                + "ingress tcp 443 0.0.0.0/0", x.message());
        var asked = org.mockito.ArgumentCaptor.forClass(DescribeSecurityGroupsRequest.class);
        verify(ec2).describeSecurityGroups(asked.capture());
        assertEquals("group-name", asked.getValue().filters().get(0).name());
        assertEquals(List.of("team-web-lb-0"), asked.getValue().filters().get(0).values());
    }

    @Test
    void aGroupOfThatNameWithoutItsTagsIsNeverTakenOver() {
        when(ec2.createSecurityGroup(any(CreateSecurityGroupRequest.class))).thenThrow(error("InvalidGroup.Duplicate"));
        when(ec2.describeSecurityGroupsPaginator(any(DescribeSecurityGroupsRequest.class)))
                .thenAnswer(i -> new DescribeSecurityGroupsIterable(ec2, i.getArgument(0)));
        when(ec2.describeSecurityGroups(any(DescribeSecurityGroupsRequest.class))).thenReturn(
                DescribeSecurityGroupsResponse.builder().securityGroups(group("sg-0f0f0f0f",
                        Map.of("ovi:managed", "true", "ovi:owner", "team-web", "ovi:id", "other-0"))).build());

        Outcome o = new SecurityGroupCreator(r -> ec2, new FakeTime()).create(create(desired("tcp 443 0.0.0.0/0", null)),
                "team-web", fence);

        Outcome.Failed f = assertInstanceOf(Outcome.Failed.class, o);
        assertEquals("a security group named 'team-web-lb-0' already exists (sg-0f0f0f0f in vpc-0a1b2c3d) and is not "
                + "tagged ovi:owner=team-web, ovi:id=lb-0; ovi does not take over a group it did not make: give this one "
                + "another groupName, or remove that group; nothing was done", f.error());
        verify(ec2, never()).authorizeSecurityGroupIngress(any(AuthorizeSecurityGroupIngressRequest.class));
    }

    @Test
    void aCreateOrUpdateStillNamingAGroupByTokenIsRefusedBeforeAnyCall() {
        Outcome c = new SecurityGroupCreator(r -> ec2, new FakeTime()).create(
                create(desired("tcp 443 @{lb-0}\ntcp 80 0.0.0.0/0", null)), "team-web", fence);
        assertEquals("the rule tcp 443 lb-0 (known after create) names a security group that has no id yet; it must be "
                + "created first; nothing was done", ((Outcome.Failed) c).error());
        Intent update = new Intent(Action.UPDATE, "drifted", "app-0", SecurityGroupKind.TYPE, "us-east-1", "sg-0a1b2c3d",
                "hash", desired("tcp 443 @{lb-0}", null), List.of(new Change("ingress", null, "tcp 443 @{lb-0}")), "",
                "r-plan");
        assertInstanceOf(Outcome.Failed.class, new SecurityGroupUpdater(r -> ec2).update(update, "team-web", fence, Map.of()));
        assertEquals(List.of(), fenced);
        org.mockito.Mockito.verifyNoInteractions(ec2);
    }

    @Test
    void anUpdateAuthorizesWhatItAddsAndRevokesWhatItTakesAwayAndIgnoresFixedFields() {
        when(ec2.authorizeSecurityGroupIngress(any(AuthorizeSecurityGroupIngressRequest.class)))
                .thenReturn(AuthorizeSecurityGroupIngressResponse.builder().build());
        when(ec2.revokeSecurityGroupIngress(any(RevokeSecurityGroupIngressRequest.class))).thenThrow(error(
                Permissions.NOT_FOUND));
        Intent update = new Intent(Action.UPDATE, "drifted", "lb-0", SecurityGroupKind.TYPE, "us-east-1", "sg-0a1b2c3d",
                "hash", desired("tcp 443 0.0.0.0/0", null), List.of(new Change("ingress", "tcp 22 0.0.0.0/0", null),
                new Change("ingress", null, "tcp 443 0.0.0.0/0"), new Change("vpc", "vpc-0a1b2c3d", "vpc-0f0f0f0f")),
                "", "r-plan");

        Outcome o = new SecurityGroupUpdater(r -> ec2).update(update, "team-web", fence, Map.of());

        assertEquals("updated security group sg-0a1b2c3d: authorized ingress tcp 443 0.0.0.0/0; 1 ingress rule(s) "
                + "already as declared", ((Outcome.Executed) o).message(), "a rule already gone is done, not an error");
        verify(ec2, times(2)).revokeSecurityGroupIngress(any(RevokeSecurityGroupIngressRequest.class));
        verify(ec2, never()).createTags(any(software.amazon.awssdk.services.ec2.model.CreateTagsRequest.class));
    }

    @Test
    void aGroupStillInUseIsRetriedWithGrowingPausesForTwoMinutesThenFailsNamingTheCause() {
        when(ec2.deleteSecurityGroup(any(DeleteSecurityGroupRequest.class))).thenThrow(error("DependencyViolation"));
        when(ec2.describeSecurityGroupsPaginator(any(DescribeSecurityGroupsRequest.class)))
                .thenAnswer(i -> new DescribeSecurityGroupsIterable(ec2, i.getArgument(0)));
        when(ec2.describeSecurityGroups(any(DescribeSecurityGroupsRequest.class))).thenReturn(
                DescribeSecurityGroupsResponse.builder().securityGroups(group("sg-0f0f0f0f", Map.of())).build(),
                DescribeSecurityGroupsResponse.builder().build());
        FakeTime time = new FakeTime();
        Intent delete = new Intent(Action.DELETE, "unwanted", "old-0", SecurityGroupKind.TYPE, "us-east-1", "sg-0a1b2c3d",
                "hash", null, List.of(), "", "r-plan");

        Outcome o = new SecurityGroupDeleter(r -> ec2, time).delete(delete, "team-web", fence);

        Outcome.Failed f = assertInstanceOf(Outcome.Failed.class, o);
        assertEquals(List.of(2_000L, 4_000L, 8_000L, 15_000L, 15_000L, 15_000L, 15_000L, 15_000L, 15_000L, 15_000L),
                time.slept);
        assertTrue(time.now <= SecurityGroupDeleter.PATIENCE_MILLIS);
        assertEquals(11, fenced.size(), "the fence before every attempt");
        assertEquals("security group sg-0a1b2c3d is still in use after 11 attempts over 1m59s (DependencyViolation: "
                + "DependencyViolation says AWS); rules of sg-0f0f0f0f name it; what uses it (an instance or network "
                + "interface, or another group's rule) must go first; it was not deleted", f.error());
        assertEquals("req-DependencyViolation", f.requestId());
    }

    @Test
    void aGroupFreedWhileWaitingIsDeletedAndOneAlreadyGoneIsDone() {
        when(ec2.deleteSecurityGroup(any(DeleteSecurityGroupRequest.class))).thenThrow(error("DependencyViolation"))
                .thenReturn(DeleteSecurityGroupResponse.builder().build()).thenThrow(error("InvalidGroup.NotFound"));
        FakeTime time = new FakeTime();
        Intent delete = new Intent(Action.DELETE, "unwanted", "old-0", SecurityGroupKind.TYPE, "us-east-1", "sg-0a1b2c3d",
                "hash", null, List.of(), "", "r-plan");
        SecurityGroupDeleter deleter = new SecurityGroupDeleter(r -> ec2, time);

        assertEquals("deleted security group sg-0a1b2c3d (in use for 2s before)",
                ((Outcome.Executed) deleter.delete(delete, "team-web", fence)).message());
        assertEquals("security group sg-0a1b2c3d was already gone",
                ((Outcome.Executed) deleter.delete(delete, "team-web", fence)).message());
    }

    @Test
    void anyOtherRefusalOfADeleteIsNotRetried() {
        when(ec2.deleteSecurityGroup(any(DeleteSecurityGroupRequest.class))).thenThrow(error("UnauthorizedOperation"));
        Intent delete = new Intent(Action.DELETE, "unwanted", "old-0", SecurityGroupKind.TYPE, "us-east-1", "sg-0a1b2c3d",
                "hash", null, List.of(), "", "r-plan");
        FakeTime time = new FakeTime();
        org.junit.jupiter.api.Assertions.assertThrows(AwsServiceException.class,
                () -> new SecurityGroupDeleter(r -> ec2, time).delete(delete, "team-web", fence));
        assertEquals(List.of(), time.slept);
    }
}
