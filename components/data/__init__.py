"""The data tier of a workload account: KMS keys per purpose, Aurora, OpenSearch, Kinesis to the lake, AWS Backup."""
