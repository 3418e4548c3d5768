"""What real CloudFormation does and moto 5.2.5's CloudFormation does not, for the resource types PageGuard uses.

Test-only: installed into the moto server that tests/deploy/ runs in-process, never into the template. Each
piece makes moto do what AWS does with the same template, so the deployment test can look at the result
through the ordinary AWS APIs (describe_alarms, get_email_identity, get_resources):

- AWS::ApiGateway::RestApi: AWS imports the `Body` (Chalice's Swagger 2.0) into resources and methods;
  moto ignores it and then refuses the Deployment ("The REST API doesn't contain any methods").
- executing a change set: AWS shows the new template's Outputs; moto keeps the (empty) outputs of the
  stack as it was before the change set, so they are rebuilt here after each execution.
- AWS::DynamoDB::Table: moto ignores TimeToLiveSpecification and PointInTimeRecoverySpecification and
  reads SSESpecification under the API's key (Enabled, not SSEEnabled); applied here as the API would.
- AWS::CloudWatch::Alarm and AWS::SES::EmailIdentity: moto skips them with a warning. Here they go through
  moto's own CloudWatch and SES v2 backends, which hold what the APIs then describe.

Resource types moto still skips (SNS::Subscription, SQS::QueuePolicy, Logs::MetricFilter) are listed in
SKIPPED_BY_MOTO; the deployment test checks those in the processed template instead.
"""

from __future__ import annotations

import hashlib
from typing import Any

from moto.apigateway import models as apigateway_models
from moto.cloudformation import models as cloudformation_models
from moto.cloudformation import parsing
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.common_models import CloudFormationModel
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table
from moto.ses.models import ses_backends
from moto.sesv2.models import sesv2_backends

SKIPPED_BY_MOTO = frozenset({"AWS::SNS::Subscription", "AWS::SQS::QueuePolicy", "AWS::Logs::MetricFilter"})
_original_rest_api_create = apigateway_models.RestAPI.create_from_cloudformation_json.__func__


def _rest_api_with_body(cls: Any, resource_name: str, cloudformation_json: dict[str, Any], account_id: str,
                        region_name: str, **kwargs: Any) -> Any:
    api = _original_rest_api_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    body = cloudformation_json["Properties"].get("Body") or {}
    backend = apigateway_models.apigateway_backends[account_id][region_name]
    for path, methods in sorted(body.get("paths", {}).items()):
        parent = api.get_resource_for_path("/")
        for part in [p for p in path.split("/") if p]:
            existing = [r for r in api.resources.values() if r.parent_id == parent.id and r.path_part == part]
            parent = existing[0] if existing else backend.create_resource(api.id, parent.id, part)
        for method, spec in methods.items():
            backend.put_method(api.id, parent.id, method.upper(), authorization_type="NONE")
            integration = spec.get("x-amazon-apigateway-integration", {})
            backend.put_integration(api.id, parent.id, method.upper(), integration.get("type", "aws_proxy").upper(),
                                    str(integration.get("uri", "")), integration.get("httpMethod", "POST"))
    return api


_original_table_create = Table.create_from_cloudformation_json.__func__


def _table_with_ttl_backups_and_encryption(cls: Any, resource_name: str, cloudformation_json: dict[str, Any],
                                           account_id: str, region_name: str, **kwargs: Any) -> Any:
    props = cloudformation_json["Properties"]
    sse = props.get("SSESpecification")
    if sse is not None:
        props = {**props, "SSESpecification": {"Enabled": bool(sse.get("SSEEnabled"))}}
    table = _original_table_create(cls, resource_name, {**cloudformation_json, "Properties": props}, account_id,
                                   region_name, **kwargs)
    backend = dynamodb_backends[account_id][region_name]
    if "TimeToLiveSpecification" in props:
        backend.update_time_to_live(table.name, props["TimeToLiveSpecification"])
    if "PointInTimeRecoverySpecification" in props:
        backend.update_continuous_backups(table.name, props["PointInTimeRecoverySpecification"])
    return table


class CloudWatchAlarm(CloudFormationModel):
    @staticmethod
    def cloudformation_name_type() -> str:
        return "AlarmName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudWatch::Alarm"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def __init__(self, alarm: Any) -> None:
        self.alarm = alarm

    @property
    def physical_resource_id(self) -> str:
        return self.alarm.name

    def delete(self, account_id: str, region_name: str) -> None:
        cloudwatch_backends[account_id][region_name].delete_alarms([self.alarm.name])

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any],  # type: ignore[override]
                                        account_id: str, region_name: str, **kwargs: Any) -> "CloudWatchAlarm":
        p = cloudformation_json["Properties"]
        alarm = cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=resource_name, namespace=p["Namespace"], metric_name=p["MetricName"],
            comparison_operator=p["ComparisonOperator"], evaluation_periods=int(p["EvaluationPeriods"]),
            period=int(p["Period"]), threshold=float(p["Threshold"]), statistic=p.get("Statistic"),
            description=p.get("AlarmDescription", ""),
            dimensions=p.get("Dimensions", []),
            alarm_actions=p.get("AlarmActions", []), ok_actions=p.get("OKActions", []),
            treat_missing_data=p.get("TreatMissingData"),
        )
        return cls(alarm)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str,  # type: ignore[override]
                                        cloudformation_json: dict[str, Any], account_id: str,
                                        region_name: str) -> "CloudWatchAlarm":
        return cls.create_from_cloudformation_json(original_resource.alarm.name, cloudformation_json, account_id,
                                                   region_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any],  # type: ignore[override]
                                        account_id: str, region_name: str) -> None:
        cloudwatch_backends[account_id][region_name].delete_alarms([resource_name])


class SesEmailIdentity(CloudFormationModel):
    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SES::EmailIdentity"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr.startswith("DkimDNSTokenName") or attr.startswith("DkimDNSTokenValue")

    def __init__(self, identity: str, tokens: list[str]) -> None:
        self.identity = identity
        self.tokens = tokens

    @property
    def physical_resource_id(self) -> str:
        return self.identity

    def delete(self, account_id: str, region_name: str) -> None:
        sesv2_backends[account_id][region_name].delete_email_identity(self.identity)

    def get_cfn_attribute(self, attribute_name: str) -> str:
        # DkimDNSTokenName1..3 / DkimDNSTokenValue1..3, the CNAMEs Easy DKIM asks for.
        index = int(attribute_name[-1]) - 1
        token = self.tokens[index] if index < len(self.tokens) else f"token{index + 1}"
        if attribute_name.startswith("DkimDNSTokenName"):
            return f"{token}._domainkey.{self.identity}"
        return f"{token}.dkim.amazonses.com"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any],  # type: ignore[override]
                                        account_id: str, region_name: str, **kwargs: Any) -> "SesEmailIdentity":
        p = cloudformation_json["Properties"]
        name = p["EmailIdentity"]
        sesv2_backends[account_id][region_name].create_email_identity(
            name, tags=None, dkim_signing_attributes=p.get("DkimSigningAttributes"), configuration_set_name=None)
        mail_from = p.get("MailFromAttributes")
        if mail_from:
            # SES v2's USE_DEFAULT_VALUE is SES v1's UseDefaultValue; moto keeps MAIL FROM in its v1 backend.
            behavior = {"USE_DEFAULT_VALUE": "UseDefaultValue", "REJECT_MESSAGE": "RejectMessage"}
            ses_backends[account_id][region_name].set_identity_mail_from_domain(
                name, mail_from["MailFromDomain"], behavior[mail_from.get("BehaviorOnMxFailure", "USE_DEFAULT_VALUE")])
        # SES makes three random selector tokens per domain for Easy DKIM; moto makes none.
        tokens = [hashlib.sha1(f"{name}#{i}".encode()).hexdigest()[:32] for i in range(3)] if "@" not in name else []
        return cls(name, tokens)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str,  # type: ignore[override]
                                        cloudformation_json: dict[str, Any], account_id: str,
                                        region_name: str) -> "SesEmailIdentity":
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any],  # type: ignore[override]
                                        account_id: str, region_name: str) -> None:
        sesv2_backends[account_id][region_name].delete_email_identity(cloudformation_json["Properties"]["EmailIdentity"])


_original_execute_change_set = cloudformation_models.CloudFormationBackend.execute_change_set


def _execute_change_set_with_outputs(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
    _original_execute_change_set(self, change_set_name, stack_name)
    for stack in self.stacks.values():
        if stack.name == stack_name or stack.stack_id == stack_name:
            stack._parse_template()
            stack.output_map = stack._create_output_map()


def install() -> None:
    """Teach the in-process moto server the pieces above (idempotent)."""
    cloudformation_models.CloudFormationBackend.execute_change_set = _execute_change_set_with_outputs  # type: ignore[method-assign]
    apigateway_models.RestAPI.create_from_cloudformation_json = classmethod(_rest_api_with_body)  # type: ignore[method-assign]
    Table.create_from_cloudformation_json = classmethod(_table_with_ttl_backups_and_encryption)  # type: ignore[method-assign]
    parsing.get_model_map.cache_clear()
