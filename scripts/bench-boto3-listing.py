"""The API floor for the benchmark: the region's EC2 instances listed with boto3 and nothing else.

A paginated DescribeInstances at the largest page (1,000) with the live-state filter ovi lists with.
Prints the instances found, the HTTP requests sent and the seconds from boto3's import to the last page.
Usage: python bench-boto3-listing.py REGION (the endpoint comes from AWS_ENDPOINT_URL, as boto3 reads it).
"""
import sys
import time

t0 = time.perf_counter()
import boto3  # noqa: E402  (timed: a user's script pays for the import too)
import botocore.config  # noqa: E402

requests = 0


def count(**_):
    global requests
    requests += 1


# moto answers a page of thousands of instances slower than boto3's 60 s read timeout allows
ec2 = boto3.client("ec2", region_name=sys.argv[1],
                   config=botocore.config.Config(read_timeout=600, retries={"mode": "standard"}))
ec2.meta.events.register("before-send.ec2", count)
instances = 0
pages = ec2.get_paginator("describe_instances").paginate(
    Filters=[{"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}],
    PaginationConfig={"PageSize": 1000})
for page in pages:
    for reservation in page["Reservations"]:
        instances += len(reservation["Instances"])
print(instances, requests, "%.3f" % (time.perf_counter() - t0))
