"""Seeds the moto server at $AWS_ENDPOINT_URL with a drifted account for the demo:
every kind of difference ovi finds against config-examples/web-stack.yaml, security drift included."""
import os

import boto3

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
REGION = "us-east-1"
ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=ENDPOINT)
rds = boto3.client("rds", region_name=REGION, endpoint_url=ENDPOINT)
sqs = boto3.client("sqs", region_name=REGION, endpoint_url=ENDPOINT)
s3 = boto3.client("s3", region_name=REGION, endpoint_url=ENDPOINT)


def tags(d):
    return [{"Key": k, "Value": v} for k, v in d.items()]


def managed(owner, oid, **extra):
    return {"ovi:managed": "true", "ovi:owner": owner, "ovi:id": oid, **extra}


def instance(size, tag_map):
    spec = {"ResourceType": "instance", "Tags": tags(tag_map)}
    r = ec2.run_instances(ImageId="ami-0123456789abcdef0", InstanceType=size, MinCount=1, MaxCount=1,
                          TagSpecifications=[spec])
    return r["Instances"][0]["InstanceId"]


seeded = {
    "web-0 (drifted: resized by hand, tag removed)": instance("t3.small", managed("team-web", "web-0", team="web")),
    "web-2 (unwanted: count went from 3 to 2)": instance("t3.micro", managed("team-web", "web-2", team="web", role="frontend")),
    "legacy-0 (unwanted but blessed)": instance("t3.micro", managed("team-web", "legacy-0", **{"ovi:blessed": "true"})),
    "a hand-made instance (unmanaged)": instance("t3.nano", {"Name": "bastion"}),
    "another team's instance (unmanaged)": instance("t3.micro", managed("team-data", "etl-0")),
}
# the identifier ovi gives the DB instance of owner team-web, id db-0
# encrypted and private as ovi makes it, but resized and with its deletion protection off
rds.create_db_instance(DBInstanceIdentifier="team-web-db-0", DBInstanceClass="db.t3.small", Engine="postgres",
                       AllocatedStorage=20, MasterUsername="ovi", ManageMasterUserPassword=True,
                       StorageEncrypted=True, PubliclyAccessible=False, DeletionProtection=False,
                       Tags=tags(managed("team-web", "db-0", team="web")))
seeded["db-0 (drifted: resized to db.t3.small, deletion protection off)"] = "team-web-db-0"
# the queue ovi names team-web-jobs-0 (<owner>-<id>), its visibility timeout changed by hand
sqs.create_queue(QueueName="team-web-jobs-0", Attributes={"VisibilityTimeout": "30", "MessageRetentionPeriod": "345600"},
                 tags=managed("team-web", "jobs-0", team="web"))
seeded["jobs-0 (drifted: visibility timeout set to 30s by hand)"] = "team-web-jobs-0"
# the web servers' group, made by ovi earlier, then opened to the world on port 22 by hand
web_sg = ec2.create_security_group(GroupName="team-web-web-sg-0", Description="web servers, reached from the load "
                                   "balancer only", TagSpecifications=[{"ResourceType": "security-group",
                                                                        "Tags": tags(managed("team-web", "web-sg-0"))}])
ec2.authorize_security_group_ingress(GroupId=web_sg["GroupId"], IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
seeded["web-sg-0 (drifted: ssh opened to 0.0.0.0/0 by hand)"] = web_sg["GroupId"]
# the assets bucket, ovi's, with its public access block and encryption taken off by hand
s3.create_bucket(Bucket="team-web-assets")
s3.put_bucket_tagging(Bucket="team-web-assets", Tagging={"TagSet": tags(managed("team-web", "assets-0", team="web"))})
seeded["assets-0 (drifted: public access allowed, unencrypted)"] = "team-web-assets"
for what, cloud_id in seeded.items():
    print(f"  seeded {cloud_id:24} {what}")
print("  not seeded (missing): web-1, the lb-sg and db-sg groups, the jobs-failed queue")
