"""FOCUS ServiceCategory for the service names the sources carry (#13 item 18).

ServiceCategory is mandatory since FOCUS 1.0, but only FOCUS files carry it:
Cost Explorer, CUR, BigQuery and Azure's query name a service, not its category.
A real CUR exported as FOCUS had 'Other' on all of its 22,728 rows. This table
maps the names the three providers use (Cost Explorer's SERVICE and CUR's product
names, GCP's service descriptions, Azure's service and meter categories) onto the
categories the FOCUS 1.0–1.2 specification allows; names it does not know fall
to a few keyword rules, then to 'Other'. A refund or credit of a service gets
that service's category, as FOCUS requires, since the category follows the name.
"""

from __future__ import annotations

AI = "AI and Machine Learning"
ANALYTICS = "Analytics"
COMPUTE = "Compute"
DATABASES = "Databases"
DEVTOOLS = "Developer Tools"
IDENTITY = "Identity"
INTEGRATION = "Integration"
IOT = "Internet of Things"
MANAGEMENT = "Management and Governance"
MEDIA = "Media"
MIGRATION = "Migration"
NETWORKING = "Networking"
SECURITY = "Security"
STORAGE = "Storage"
WEB = "Web"
BUSINESS = "Business Applications"

# Lower-cased service name → category.
KNOWN: dict[str, str] = {
    # AWS (Cost Explorer SERVICE values and CUR product names)
    "amazon elastic compute cloud - compute": COMPUTE,
    "amazon elastic compute cloud": COMPUTE,
    "ec2 - other": COMPUTE,
    "aws lambda": COMPUTE,
    "amazon elastic container service": COMPUTE,
    "amazon elastic container service for kubernetes": COMPUTE,
    "amazon elastic kubernetes service": COMPUTE,
    "aws fargate": COMPUTE,
    "amazon lightsail": COMPUTE,
    "aws batch": COMPUTE,
    "amazon ec2 container registry (ecr)": COMPUTE,
    "amazon simple storage service": STORAGE,
    "amazon elastic block store": STORAGE,
    "amazon elastic file system": STORAGE,
    "amazon fsx": STORAGE,
    "amazon s3 glacier": STORAGE,
    "aws backup": STORAGE,
    "aws storage gateway": STORAGE,
    "amazon relational database service": DATABASES,
    "amazon dynamodb": DATABASES,
    "amazon elasticache": DATABASES,
    "amazon documentdb (with mongodb compatibility)": DATABASES,
    "amazon neptune": DATABASES,
    "amazon aurora": DATABASES,
    "amazon memorydb": DATABASES,
    "amazon redshift": ANALYTICS,
    "amazon athena": ANALYTICS,
    "aws glue": ANALYTICS,
    "amazon kinesis": ANALYTICS,
    "amazon kinesis firehose": ANALYTICS,
    "amazon opensearch service": ANALYTICS,
    "amazon elasticsearch service": ANALYTICS,
    "amazon emr": ANALYTICS,
    "elastic mapreduce": ANALYTICS,
    "amazon quicksight": ANALYTICS,
    "amazon managed streaming for apache kafka": ANALYTICS,
    "amazon cloudfront": NETWORKING,
    "amazon virtual private cloud": NETWORKING,
    "amazon route 53": NETWORKING,
    "amazon api gateway": NETWORKING,
    "elastic load balancing": NETWORKING,
    "amazon elastic load balancing": NETWORKING,
    "aws data transfer": NETWORKING,
    "aws direct connect": NETWORKING,
    "aws global accelerator": NETWORKING,
    "aws transit gateway": NETWORKING,
    "amazon cloudwatch": MANAGEMENT,
    "aws cloudtrail": MANAGEMENT,
    "aws config": MANAGEMENT,
    "aws systems manager": MANAGEMENT,
    "aws cloudformation": MANAGEMENT,
    "aws cost explorer": MANAGEMENT,
    "aws organizations": MANAGEMENT,
    "aws key management service": SECURITY,
    "aws secrets manager": SECURITY,
    "aws waf": SECURITY,
    "amazon guardduty": SECURITY,
    "aws security hub": SECURITY,
    "amazon inspector": SECURITY,
    "aws shield": SECURITY,
    "aws certificate manager": SECURITY,
    "amazon macie": SECURITY,
    "aws identity and access management": IDENTITY,
    "amazon cognito": IDENTITY,
    "aws directory service": IDENTITY,
    "aws iam identity center": IDENTITY,
    "amazon simple queue service": INTEGRATION,
    "amazon simple notification service": INTEGRATION,
    "amazon eventbridge": INTEGRATION,
    "aws step functions": INTEGRATION,
    "amazon mq": INTEGRATION,
    "amazon simple email service": BUSINESS,
    "amazon sagemaker": AI,
    "amazon bedrock": AI,
    "amazon rekognition": AI,
    "amazon comprehend": AI,
    "amazon textract": AI,
    "amazon transcribe": AI,
    "amazon polly": AI,
    "amazon translate": AI,
    "aws iot core": IOT,
    "aws codebuild": DEVTOOLS,
    "aws codepipeline": DEVTOOLS,
    "aws codecommit": DEVTOOLS,
    "aws codeartifact": DEVTOOLS,
    "aws x-ray": DEVTOOLS,
    "aws amplify": WEB,
    "aws elemental mediaconvert": MEDIA,
    "amazon interactive video service": MEDIA,
    "aws database migration service": MIGRATION,
    "aws application migration service": MIGRATION,
    "aws datasync": MIGRATION,
    # GCP (billing export service.description)
    "compute engine": COMPUTE,
    "kubernetes engine": COMPUTE,
    "cloud run": COMPUTE,
    "cloud functions": COMPUTE,
    "app engine": COMPUTE,
    "cloud storage": STORAGE,
    "filestore": STORAGE,
    "backup and dr service": STORAGE,
    "cloud sql": DATABASES,
    "cloud spanner": DATABASES,
    "cloud bigtable": DATABASES,
    "firestore": DATABASES,
    "cloud firestore": DATABASES,
    "cloud memorystore for redis": DATABASES,
    "alloydb": DATABASES,
    "bigquery": ANALYTICS,
    "bigquery reservation api": ANALYTICS,
    "dataflow": ANALYTICS,
    "cloud dataflow": ANALYTICS,
    "dataproc": ANALYTICS,
    "cloud dataproc": ANALYTICS,
    "looker": ANALYTICS,
    "networking": NETWORKING,
    "cloud dns": NETWORKING,
    "cloud cdn": NETWORKING,
    "cloud load balancing": NETWORKING,
    "cloud nat": NETWORKING,
    "cloud interconnect": NETWORKING,
    "cloud logging": MANAGEMENT,
    "cloud monitoring": MANAGEMENT,
    "stackdriver logging": MANAGEMENT,
    "stackdriver monitoring": MANAGEMENT,
    "cloud key management service (kms)": SECURITY,
    "secret manager": SECURITY,
    "security command center": SECURITY,
    "cloud armor": SECURITY,
    "identity platform": IDENTITY,
    "cloud pub/sub": INTEGRATION,
    "pub/sub": INTEGRATION,
    "cloud tasks": INTEGRATION,
    "cloud scheduler": INTEGRATION,
    "workflows": INTEGRATION,
    "vertex ai": AI,
    "cloud vision api": AI,
    "cloud natural language": AI,
    "cloud speech api": AI,
    "cloud translation api": AI,
    "gemini api": AI,
    "artifact registry": DEVTOOLS,
    "cloud build": DEVTOOLS,
    "container registry": DEVTOOLS,
    "cloud source repositories": DEVTOOLS,
    "maps api": WEB,
    # Azure (ServiceName / MeterCategory)
    "virtual machines": COMPUTE,
    "virtual machines licenses": COMPUTE,
    "azure app service": COMPUTE,
    "functions": COMPUTE,
    "azure kubernetes service": COMPUTE,
    "container instances": COMPUTE,
    "cloud services": COMPUTE,
    "batch": COMPUTE,
    "storage": STORAGE,
    "azure files": STORAGE,
    "backup": STORAGE,
    "azure netapp files": STORAGE,
    "sql database": DATABASES,
    "azure database for postgresql": DATABASES,
    "azure database for mysql": DATABASES,
    "azure cosmos db": DATABASES,
    "redis cache": DATABASES,
    "sql managed instance": DATABASES,
    "azure synapse analytics": ANALYTICS,
    "azure data factory v2": ANALYTICS,
    "azure data explorer": ANALYTICS,
    "azure databricks": ANALYTICS,
    "event hubs": ANALYTICS,
    "power bi embedded": ANALYTICS,
    "bandwidth": NETWORKING,
    "virtual network": NETWORKING,
    "load balancer": NETWORKING,
    "application gateway": NETWORKING,
    "azure dns": NETWORKING,
    "azure front door service": NETWORKING,
    "content delivery network": NETWORKING,
    "vpn gateway": NETWORKING,
    "expressroute": NETWORKING,
    "network watcher": NETWORKING,
    "azure firewall": SECURITY,
    "key vault": SECURITY,
    "microsoft defender for cloud": SECURITY,
    "azure ddos protection": SECURITY,
    "sentinel": SECURITY,
    "azure monitor": MANAGEMENT,
    "log analytics": MANAGEMENT,
    "insight and analytics": MANAGEMENT,
    "automation": MANAGEMENT,
    "azure policy": MANAGEMENT,
    "microsoft entra id": IDENTITY,
    "azure active directory": IDENTITY,
    "azure active directory b2c": IDENTITY,
    "service bus": INTEGRATION,
    "logic apps": INTEGRATION,
    "event grid": INTEGRATION,
    "api management": INTEGRATION,
    "azure openai": AI,
    "azure openai service": AI,
    "cognitive services": AI,
    "azure machine learning": AI,
    "azure ai services": AI,
    "iot hub": IOT,
    "azure devops": DEVTOOLS,
    "visual studio subscription": DEVTOOLS,
    "azure static web apps": WEB,
    "media services": MEDIA,
    "azure migrate": MIGRATION,
    "azure site recovery": MIGRATION,
}

# (substring of the lower-cased name, category): for names the table lacks. Order matters.
KEYWORDS: tuple[tuple[str, str], ...] = (
    ("machine learning", AI),
    ("openai", AI),
    ("sagemaker", AI),
    ("database", DATABASES),
    ("sql", DATABASES),
    ("storage", STORAGE),
    ("backup", STORAGE),
    ("data transfer", NETWORKING),
    ("bandwidth", NETWORKING),
    ("network", NETWORKING),
    ("gateway", NETWORKING),
    ("dns", NETWORKING),
    ("cdn", NETWORKING),
    ("compute", COMPUTE),
    ("virtual machine", COMPUTE),
    ("kubernetes", COMPUTE),
    ("container", COMPUTE),
    ("monitor", MANAGEMENT),
    ("logging", MANAGEMENT),
    ("security", SECURITY),
    ("key management", SECURITY),
    ("firewall", SECURITY),
    ("analytics", ANALYTICS),
)


def category_of(service: str | None) -> str:
    """The FOCUS ServiceCategory of a service name ('Other' when unknown)."""
    if not service:
        return "Other"
    name = service.strip().lower()
    if name in KNOWN:
        return KNOWN[name]
    for keyword, category in KEYWORDS:
        if keyword in name:
            return category
    return "Other"


def category_sql(service: str) -> str:
    """SQL giving :func:`category_of` of the column expression ``service``."""

    def quoted(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    name = f"lower(trim({service}))"
    exact = " ".join(f"WHEN {quoted(k)} THEN {quoted(v)}" for k, v in KNOWN.items())
    keywords = " ".join(f"WHEN contains({name}, {quoted(k)}) THEN {quoted(v)}" for k, v in KEYWORDS)
    return f"CASE {name} {exact} ELSE CASE {keywords} ELSE 'Other' END END"
