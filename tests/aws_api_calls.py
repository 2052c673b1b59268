"""Which AWS API call carries each resource type's inputs to AWS, and under which request member names.

tests/aws_api.py checks every literal value the program registers against the request shape of the call named here;
a resource type the program registers must be here (tests/test_aws_api_values.py), so a new one cannot skip the check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Call:
    """The API call that carries a resource type's inputs to AWS.

    `members` maps a Pulumi input (camelCase) to its request member path (dotted) where the names differ; inputs not
    listed match a top-level member of the same name, ignoring case. `tags` is the member path of the tags, or None
    where the call carries none that AWS constrains in its model.
    """

    service: str
    operation: str
    members: Mapping[str, str] = field(default_factory=dict)
    tags: str | None = "Tags"


def _call(service: str, operation: str, tags: str | None = "Tags", **members: str) -> Call:
    return Call(service, operation, members, tags)


# pulumi-aws type token -> the call. A resource type the program registers must be here (tested), so a new one
# cannot skip the check.
CALLS: dict[str, Call] = {
    "aws:account/alternativeContact:AlternativeContact": _call("account", "PutAlternateContact", tags=None),
    "aws:ec2/defaultSubnet:DefaultSubnet": _call("ec2", "CreateDefaultSubnet", tags=None),
    "aws:ec2/defaultVpc:DefaultVpc": _call("ec2", "CreateDefaultVpc", tags=None),
    "aws:s3/bucketNotification:BucketNotification": _call("s3", "PutBucketNotificationConfiguration", tags=None),
    "aws:accessanalyzer/analyzer:Analyzer": _call("accessanalyzer", "CreateAnalyzer", tags="tags"),
    "aws:appautoscaling/policy:Policy": _call("application-autoscaling", "PutScalingPolicy", name="PolicyName"),
    "aws:appautoscaling/target:Target": _call("application-autoscaling", "RegisterScalableTarget"),
    "aws:backup/plan:Plan": _call("backup", "CreateBackupPlan", tags="BackupPlanTags", name="BackupPlan.BackupPlanName",
                                  rules="BackupPlan.Rules"),
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": _call(
        "backup", "CreateRestoreTestingPlan", name="RestoreTestingPlan.RestoreTestingPlanName",
        recoveryPointSelection="RestoreTestingPlan.RecoveryPointSelection",
        scheduleExpression="RestoreTestingPlan.ScheduleExpression",
        scheduleExpressionTimezone="RestoreTestingPlan.ScheduleExpressionTimezone",
        startWindowHours="RestoreTestingPlan.StartWindowHours"),
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": _call(
        "backup", "CreateRestoreTestingSelection", tags=None, name="RestoreTestingSelection.RestoreTestingSelectionName",
        iamRoleArn="RestoreTestingSelection.IamRoleArn",
        protectedResourceArns="RestoreTestingSelection.ProtectedResourceArns",
        protectedResourceType="RestoreTestingSelection.ProtectedResourceType",
        restoreMetadataOverrides="RestoreTestingSelection.RestoreMetadataOverrides",
        validationWindowHours="RestoreTestingSelection.ValidationWindowHours"),
    "aws:backup/selection:Selection": _call("backup", "CreateBackupSelection", tags=None,
                                            name="BackupSelection.SelectionName", iamRoleArn="BackupSelection.IamRoleArn",
                                            selectionTags="BackupSelection.ListOfTags", planId="BackupPlanId"),
    "aws:backup/vault:Vault": _call("backup", "CreateBackupVault", tags="BackupVaultTags", name="BackupVaultName",
                                    kmsKeyArn="EncryptionKeyArn"),
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": _call("backup", "PutBackupVaultLockConfiguration",
                                                                      tags=None),
    "aws:backup/vaultNotifications:VaultNotifications": _call("backup", "PutBackupVaultNotifications", tags=None),
    "aws:cfg/deliveryChannel:DeliveryChannel": _call(
        "config", "PutDeliveryChannel", tags=None, name="DeliveryChannel.name", s3BucketName="DeliveryChannel.s3BucketName",
        s3KeyPrefix="DeliveryChannel.s3KeyPrefix", s3KmsKeyArn="DeliveryChannel.s3KmsKeyArn"),
    "aws:cfg/recorder:Recorder": _call("config", "PutConfigurationRecorder", name="ConfigurationRecorder.name",
                                       roleArn="ConfigurationRecorder.roleARN",
                                       recordingGroup="ConfigurationRecorder.recordingGroup"),
    "aws:cfg/recorderStatus:RecorderStatus": _call("config", "StartConfigurationRecorder", tags=None,
                                                   name="ConfigurationRecorderName"),
    "aws:cloudtrail/trail:Trail": _call("cloudtrail", "CreateTrail", tags="TagsList",
                                        cloudWatchLogsGroupArn="CloudWatchLogsLogGroupArn"),
    "aws:cloudwatch/dashboard:Dashboard": _call("cloudwatch", "PutDashboard", tags=None),
    "aws:cloudwatch/eventRule:EventRule": _call("events", "PutRule"),
    "aws:cloudwatch/eventTarget:EventTarget": _call("events", "PutTargets", tags=None, rule="Rule",
                                                    targetId="Targets.Id", arn="Targets.Arn", roleArn="Targets.RoleArn"),
    "aws:cloudwatch/logGroup:LogGroup": _call("logs", "CreateLogGroup", tags="tags", name="logGroupName"),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": _call("logs", "PutMetricFilter", tags=None, name="filterName",
                                                            pattern="filterPattern",
                                                            metricTransformation="metricTransformations"),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": _call("logs", "PutResourcePolicy", tags=None),
    "aws:cloudwatch/logStream:LogStream": _call("logs", "CreateLogStream", tags=None, name="logStreamName"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": _call("cloudwatch", "PutMetricAlarm", name="AlarmName",
                                                    metricQueries="Metrics"),
    "aws:directconnect/gateway:Gateway": _call("directconnect", "CreateDirectConnectGateway", tags="tags",
                                               name="directConnectGatewayName"),
    "aws:directconnect/gatewayAssociation:GatewayAssociation": _call(
        "directconnect", "CreateDirectConnectGatewayAssociation", tags=None, dxGatewayId="directConnectGatewayId",
        associatedGatewayId="gatewayId", allowedPrefixes="addAllowedPrefixesToDirectConnectGateway"),
    "aws:directconnect/transitVirtualInterface:TransitVirtualInterface": _call(
        "directconnect", "CreateTransitVirtualInterface", tags="newTransitVirtualInterface.tags",
        name="newTransitVirtualInterface.virtualInterfaceName", vlan="newTransitVirtualInterface.vlan",
        bgpAsn="newTransitVirtualInterface.asn", mtu="newTransitVirtualInterface.mtu",
        amazonAddress="newTransitVirtualInterface.amazonAddress",
        customerAddress="newTransitVirtualInterface.customerAddress",
        addressFamily="newTransitVirtualInterface.addressFamily",
        dxGatewayId="newTransitVirtualInterface.directConnectGatewayId"),
    "aws:dynamodb/table:Table": _call("dynamodb", "CreateTable", name="TableName"),
    "aws:ebs/defaultKmsKey:DefaultKmsKey": _call("ec2", "ModifyEbsDefaultKmsKeyId", tags=None, keyArn="KmsKeyId"),
    "aws:ebs/encryptionByDefault:EncryptionByDefault": _call("ec2", "EnableEbsEncryptionByDefault", tags=None),
    "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": _call("ec2", "CreateNetworkAclEntry", tags=None),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _call("ec2", "AuthorizeSecurityGroupIngress", tags=None),
    "aws:ec2/eip:Eip": _call("ec2", "AllocateAddress", tags=None),
    "aws:ec2/flowLog:FlowLog": _call("ec2", "CreateFlowLogs", tags=None, iamRoleArn="DeliverLogsPermissionArn"),
    "aws:ec2/internetGateway:InternetGateway": _call("ec2", "CreateInternetGateway", tags=None),
    "aws:ec2/natGateway:NatGateway": _call("ec2", "CreateNatGateway", tags=None),
    "aws:ec2/networkAcl:NetworkAcl": _call("ec2", "CreateNetworkAcl", tags=None),
    "aws:ec2/route:Route": _call("ec2", "CreateRoute", tags=None),
    "aws:ec2/routeTable:RouteTable": _call("ec2", "CreateRouteTable", tags=None),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": _call("ec2", "AssociateRouteTable", tags=None),
    "aws:ec2/securityGroup:SecurityGroup": _call("ec2", "CreateSecurityGroup", tags=None, name="GroupName"),
    "aws:ec2/subnet:Subnet": _call("ec2", "CreateSubnet", tags=None),
    "aws:ec2/vpc:Vpc": _call("ec2", "CreateVpc", tags=None),
    "aws:ec2/vpcEndpoint:VpcEndpoint": _call("ec2", "CreateVpcEndpoint", tags=None),
    "aws:ec2transitgateway/route:Route": _call("ec2", "CreateTransitGatewayRoute", tags=None),
    "aws:ec2transitgateway/routeTable:RouteTable": _call("ec2", "CreateTransitGatewayRouteTable", tags=None),
    "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation": _call("ec2", "AssociateTransitGatewayRouteTable",
                                                                               tags=None),
    "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation": _call(
        "ec2", "EnableTransitGatewayRouteTablePropagation", tags=None),
    "aws:ec2transitgateway/transitGateway:TransitGateway": _call(
        "ec2", "CreateTransitGateway", tags=None, amazonSideAsn="Options.AmazonSideAsn",
        autoAcceptSharedAttachments="Options.AutoAcceptSharedAttachments",
        defaultRouteTableAssociation="Options.DefaultRouteTableAssociation",
        defaultRouteTablePropagation="Options.DefaultRouteTablePropagation", dnsSupport="Options.DnsSupport",
        vpnEcmpSupport="Options.VpnEcmpSupport"),
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": _call("ec2", "CreateTransitGatewayVpcAttachment", tags=None,
                                                               dnsSupport="Options.DnsSupport"),
    "aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter": _call("ec2", "AcceptTransitGatewayVpcAttachment",
                                                                               tags=None),
    "aws:elasticbeanstalk/application:Application": _call("elasticbeanstalk", "CreateApplication", name="ApplicationName"),
    "aws:elasticbeanstalk/environment:Environment": _call("elasticbeanstalk", "CreateEnvironment", name="EnvironmentName",
                                                          application="ApplicationName", settings="OptionSettings"),
    "aws:guardduty/detector:Detector": _call("guardduty", "CreateDetector"),
    "aws:guardduty/detectorFeature:DetectorFeature": _call("guardduty", "UpdateDetector", tags=None,
                                                           name="Features.Name", status="Features.Status"),
    "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount": _call("guardduty", "EnableOrganizationAdminAccount",
                                                                             tags=None),
    "aws:guardduty/organizationConfiguration:OrganizationConfiguration": _call(
        "guardduty", "UpdateOrganizationConfiguration", tags=None),
    "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature": _call(
        "guardduty", "UpdateOrganizationConfiguration", tags=None, name="Features.Name", autoEnable="Features.AutoEnable"),
    "aws:iam/accountPasswordPolicy:AccountPasswordPolicy": _call("iam", "UpdateAccountPasswordPolicy", tags=None),
    "aws:iam/group:Group": _call("iam", "CreateGroup", tags=None, name="GroupName"),
    "aws:iam/groupMembership:GroupMembership": _call("iam", "AddUserToGroup", tags=None, group="GroupName",
                                                     users="UserName"),
    "aws:iam/groupPolicy:GroupPolicy": _call("iam", "PutGroupPolicy", tags=None, group="GroupName", name="PolicyName",
                                             policy="PolicyDocument"),
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": _call("iam", "AttachGroupPolicy", tags=None, group="GroupName"),
    "aws:iam/instanceProfile:InstanceProfile": _call("iam", "CreateInstanceProfile", name="InstanceProfileName"),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": _call("iam", "CreateOpenIDConnectProvider",
                                                                 clientIdLists="ClientIDList"),
    "aws:iam/policy:Policy": _call("iam", "CreatePolicy", name="PolicyName", policy="PolicyDocument"),
    "aws:iam/role:Role": _call("iam", "CreateRole", name="RoleName", assumeRolePolicy="AssumeRolePolicyDocument"),
    "aws:iam/rolePolicy:RolePolicy": _call("iam", "PutRolePolicy", tags=None, name="PolicyName", policy="PolicyDocument",
                                           role="RoleName"),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _call("iam", "AttachRolePolicy", tags=None, role="RoleName"),
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": _call("iam", "CreateServiceLinkedRole", tags=None),
    "aws:iam/user:User": _call("iam", "CreateUser", name="UserName"),
    "aws:iam/userLoginProfile:UserLoginProfile": _call("iam", "CreateLoginProfile", tags=None, user="UserName"),
    "aws:iam/userPolicy:UserPolicy": _call("iam", "PutUserPolicy", tags=None, name="PolicyName", policy="PolicyDocument",
                                           user="UserName"),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": _call(
        "firehose", "CreateDeliveryStream", name="DeliveryStreamName",
        extendedS3Configuration="ExtendedS3DestinationConfiguration",
        kinesisSourceConfiguration="KinesisStreamSourceConfiguration"),
    "aws:kinesis/stream:Stream": _call("kinesis", "CreateStream", name="StreamName"),
    "aws:kms/alias:Alias": _call("kms", "CreateAlias", tags=None, name="AliasName"),
    "aws:kms/key:Key": _call("kms", "CreateKey"),
    "aws:lambda/eventSourceMapping:EventSourceMapping": _call("lambda", "CreateEventSourceMapping"),
    "aws:lambda/function:Function": _call("lambda", "CreateFunction", name="FunctionName"),
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": _call("lambda", "PutFunctionEventInvokeConfig",
                                                                            tags=None),
    "aws:lambda/functionUrl:FunctionUrl": _call("lambda", "CreateFunctionUrlConfig", tags=None,
                                                authorizationType="AuthType"),
    "aws:lambda/permission:Permission": _call("lambda", "AddPermission", tags=None, function="FunctionName"),
    "aws:lb/listener:Listener": _call("elbv2", "CreateListener"),
    "aws:oam/link:Link": _call("oam", "CreateLink"),
    "aws:oam/sink:Sink": _call("oam", "CreateSink"),
    "aws:oam/sinkPolicy:SinkPolicy": _call("oam", "PutSinkPolicy", tags=None),
    "aws:opensearch/domain:Domain": _call("opensearch", "CreateDomain", tags="TagList",
                                          encryptAtRest="EncryptionAtRestOptions",
                                          nodeToNodeEncryption="NodeToNodeEncryptionOptions"),
    "aws:opensearch/domainPolicy:DomainPolicy": _call("opensearch", "UpdateDomainConfig", tags=None),
    "aws:organizations/account:Account": _call("organizations", "CreateAccount", name="AccountName"),
    "aws:organizations/delegatedAdministrator:DelegatedAdministrator": _call(
        "organizations", "RegisterDelegatedAdministrator", tags=None),
    "aws:organizations/organization:Organization": _call("organizations", "CreateOrganization", tags=None),
    "aws:organizations/organizationalUnit:OrganizationalUnit": _call("organizations", "CreateOrganizationalUnit"),
    "aws:organizations/policy:Policy": _call("organizations", "CreatePolicy"),
    "aws:organizations/policyAttachment:PolicyAttachment": _call("organizations", "AttachPolicy", tags=None),
    "aws:ram/principalAssociation:PrincipalAssociation": _call("ram", "AssociateResourceShare", tags=None,
                                                               principal="principals"),
    "aws:ram/resourceAssociation:ResourceAssociation": _call("ram", "AssociateResourceShare", tags=None,
                                                             resourceArn="resourceArns"),
    "aws:ram/resourceShare:ResourceShare": _call("ram", "CreateResourceShare", tags="tags"),
    "aws:ram/sharingWithOrganization:SharingWithOrganization": _call("ram", "EnableSharingWithAwsOrganization", tags=None),
    "aws:rds/cluster:Cluster": _call("rds", "CreateDBCluster", clusterIdentifier="DBClusterIdentifier",
                                     enabledCloudwatchLogsExports="EnableCloudwatchLogsExports",
                                     iamDatabaseAuthenticationEnabled="EnableIAMDatabaseAuthentication",
                                     dbClusterParameterGroupName="DBClusterParameterGroupName"),
    "aws:rds/clusterInstance:ClusterInstance": _call("rds", "CreateDBInstance", identifier="DBInstanceIdentifier",
                                                     clusterIdentifier="DBClusterIdentifier",
                                                     instanceClass="DBInstanceClass",
                                                     caCertIdentifier="CACertificateIdentifier",
                                                     performanceInsightsEnabled="EnablePerformanceInsights"),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": _call("rds", "CreateDBClusterParameterGroup",
                                                                 name="DBClusterParameterGroupName",
                                                                 family="DBParameterGroupFamily"),
    "aws:rds/subnetGroup:SubnetGroup": _call("rds", "CreateDBSubnetGroup", name="DBSubnetGroupName",
                                             description="DBSubnetGroupDescription"),
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": _call("s3control", "PutPublicAccessBlock", tags=None),
    "aws:s3/bucket:Bucket": _call("s3", "CreateBucket", tags=None),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _call(
        "s3", "PutBucketLifecycleConfiguration", tags=None, rules="LifecycleConfiguration.Rules"),
    "aws:s3/bucketLogging:BucketLogging": _call("s3", "PutBucketLogging", tags=None,
                                                targetBucket="BucketLoggingStatus.LoggingEnabled.TargetBucket",
                                                targetPrefix="BucketLoggingStatus.LoggingEnabled.TargetPrefix"),
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": _call(
        "s3", "PutObjectLockConfiguration", tags=None, rule="ObjectLockConfiguration.Rule"),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _call("s3", "PutBucketOwnershipControls", tags=None,
                                                                    rule="OwnershipControls.Rules"),
    "aws:s3/bucketPolicy:BucketPolicy": _call("s3", "PutBucketPolicy", tags=None),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _call("s3", "PutPublicAccessBlock", tags=None),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": _call(
        "s3", "PutBucketEncryption", tags=None, rules="ServerSideEncryptionConfiguration.Rules"),
    "aws:s3/bucketVersioning:BucketVersioning": _call("s3", "PutBucketVersioning", tags=None),
    "aws:secretsmanager/secret:Secret": _call("secretsmanager", "CreateSecret"),
    "aws:secretsmanager/secretVersion:SecretVersion": _call("secretsmanager", "PutSecretValue", tags=None),
    "aws:securityhub/account:Account": _call("securityhub", "EnableSecurityHub"),
    "aws:securityhub/configurationPolicy:ConfigurationPolicy": _call("securityhub", "CreateConfigurationPolicy",
                                                                     configurationPolicy="ConfigurationPolicy"),
    "aws:securityhub/configurationPolicyAssociation:ConfigurationPolicyAssociation": _call(
        "securityhub", "StartConfigurationPolicyAssociation", tags=None, policyId="ConfigurationPolicyIdentifier"),
    "aws:securityhub/findingAggregator:FindingAggregator": _call("securityhub", "CreateFindingAggregator", tags=None,
                                                                 linkingMode="RegionLinkingMode",
                                                                 specifiedRegions="Regions"),
    "aws:securityhub/organizationAdminAccount:OrganizationAdminAccount": _call(
        "securityhub", "EnableOrganizationAdminAccount", tags=None),
    "aws:securityhub/organizationConfiguration:OrganizationConfiguration": _call(
        "securityhub", "UpdateOrganizationConfiguration", tags=None),
    "aws:servicequotas/serviceQuota:ServiceQuota": _call("service-quotas", "RequestServiceQuotaIncrease", tags=None,
                                                         value="DesiredValue"),
    "aws:servicequotas/template:Template": _call("service-quotas", "PutServiceQuotaIncreaseRequestIntoTemplate",
                                                 tags=None, value="DesiredValue"),
    "aws:servicequotas/templateAssociation:TemplateAssociation": _call(
        "service-quotas", "AssociateServiceQuotaTemplate", tags=None),
    "aws:ses/template:Template": _call("ses", "CreateTemplate", tags=None, name="Template.TemplateName",
                                       subject="Template.SubjectPart", text="Template.TextPart", html="Template.HtmlPart"),
    "aws:sesv2/configurationSet:ConfigurationSet": _call("sesv2", "CreateConfigurationSet"),
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": _call(
        "sesv2", "CreateConfigurationSetEventDestination", tags=None),
    "aws:sesv2/emailIdentity:EmailIdentity": _call("sesv2", "CreateEmailIdentity"),
    "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes": _call(
        "sesv2", "PutEmailIdentityMailFromAttributes", tags=None),
    "aws:sns/topic:Topic": _call("sns", "CreateTopic"),
    "aws:sns/topicPolicy:TopicPolicy": _call("sns", "SetTopicAttributes", tags=None, arn="TopicArn",
                                             policy="AttributeValue"),
    "aws:sns/topicSubscription:TopicSubscription": _call("sns", "Subscribe", tags=None, topic="TopicArn"),
    "aws:sqs/queue:Queue": _call("sqs", "CreateQueue", tags="tags", name="QueueName"),
    "aws:sqs/queuePolicy:QueuePolicy": _call("sqs", "SetQueueAttributes", tags=None),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _call(
        "ec2", "AuthorizeSecurityGroupEgress", tags=None, securityGroupId="GroupId", cidrIpv4="CidrIp"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _call(
        "ec2", "AuthorizeSecurityGroupIngress", tags=None, securityGroupId="GroupId", cidrIpv4="CidrIp"),
}
