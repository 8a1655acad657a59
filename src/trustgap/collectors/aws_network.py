"""AWS network exposure: EC2 security groups and Elastic Load Balancing (v2) load balancers and listeners with their
TLS policies (one task per region). Attributes come from :mod:`trustgap.evidence.parsers._aws_shapes`, shared with
the parser of saved AWS CLI output.

Facts (``system = "aws:<account id>"``):

``Resource aws.ec2.security_group`` (resource_id = GroupId, name = GroupName): group_name, vpc_id, description,
    ingress (rules: protocol, from_port, to_port, sources), public_ingress (rules open to 0.0.0.0/0 or ::/0, as
    ``tcp 22`` / ``all traffic``), egress_open. Call: ec2 DescribeSecurityGroups.
``Resource aws.elbv2.load_balancer`` (resource_id = LoadBalancerArn, name = LoadBalancerName): type, scheme,
    internet_facing, dns_name, vpc_id, state. Call: elbv2 DescribeLoadBalancers.
``Resource aws.elbv2.listener`` (resource_id = ListenerArn, name = ``<load balancer>:<port>``): load_balancer_arn,
    load_balancer_name, load_balancer_scheme, port, protocol, encrypted (HTTPS or TLS), ssl_policy, tls_protocols (the
    policy's TLS versions), certificate_arns, redirects_to_https (the default action redirects to HTTPS).
    Calls: elbv2 DescribeListeners per load balancer, DescribeSslPolicies for the policies in use.

References: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroups.html ,
https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/ (DescribeLoadBalancers, DescribeListeners,
DescribeSSLPolicies).
"""

from __future__ import annotations

from typing import Any

from trustgap.collectors.aws_session import AwsAccount, Caller, CallFailed
from trustgap.collectors.base import Recorder
from trustgap.evidence.parsers import _aws_shapes as shapes
from trustgap.facts import Resource


def security_groups_task(caller: Caller, acct: AwsAccount, rec: Recorder, region: str) -> None:
    try:
        groups, _ = caller.pages("aws.ec2", "ec2", "describe_security_groups", "SecurityGroups", region=region)
    except CallFailed:
        return
    for sg, src in groups:
        rec.add(Resource(src=src, system=acct.system, kind="aws.ec2.security_group", resource_id=sg["GroupId"],
                         name=sg.get("GroupName"), region=region, attrs=shapes.security_group_attrs(sg)))


def elbv2_task(caller: Caller, acct: AwsAccount, rec: Recorder, region: str) -> None:
    try:
        lbs, _ = caller.pages("aws.elbv2", "elbv2", "describe_load_balancers", "LoadBalancers", region=region)
    except CallFailed:
        return
    listeners: list[tuple[dict[str, Any], Any, dict[str, Any]]] = []
    for lb, src in lbs:
        arn = lb["LoadBalancerArn"]
        rec.add(Resource(src=src, system=acct.system, kind="aws.elbv2.load_balancer", resource_id=arn,
                         name=lb.get("LoadBalancerName"), region=region, attrs=shapes.load_balancer_attrs(lb)))
        try:
            found, _ = caller.pages("aws.elbv2", "elbv2", "describe_listeners", "Listeners", region=region,
                                    name_extra=str(lb.get("LoadBalancerName") or ""), LoadBalancerArn=arn)
        except CallFailed:
            continue
        listeners.extend((listener, lsrc, lb) for listener, lsrc in found)
    names = sorted({str(li["SslPolicy"]) for li, _, _ in listeners if li.get("SslPolicy")})
    protocols: dict[str, list[str]] = {}
    if names:
        try:
            answer, _ = caller.call("aws.elbv2", "elbv2", "describe_ssl_policies", region=region, Names=names)
            protocols = shapes.ssl_policy_protocols((answer or {}).get("SslPolicies") or [])
        except CallFailed:
            pass  # the listeners are still reported; their TLS versions stay unknown
    for listener, src, lb in listeners:
        rec.add(Resource(
            src=src, system=acct.system, kind="aws.elbv2.listener", resource_id=listener["ListenerArn"],
            name=f"{lb.get('LoadBalancerName')}:{listener.get('Port')}", region=region,
            attrs=shapes.listener_attrs(listener, lb, protocols),
        ))
