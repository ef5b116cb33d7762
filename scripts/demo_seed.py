"""Seeds the moto server at $AWS_ENDPOINT_URL with a drifted account for the demo:
every kind of difference ovi finds against config-examples/small.yaml."""
import os

import boto3

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
REGION = "us-east-1"
ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=ENDPOINT)
rds = boto3.client("rds", region_name=REGION, endpoint_url=ENDPOINT)
sqs = boto3.client("sqs", region_name=REGION, endpoint_url=ENDPOINT)


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
for what, cloud_id in seeded.items():
    print(f"  seeded {cloud_id:24} {what}")
print("  not seeded: web-1 and the team-web-assets bucket (missing)")
