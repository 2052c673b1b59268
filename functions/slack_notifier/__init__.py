"""Slack notifier: CloudWatch alarms and security, backup and mail events from SNS, posted to Slack."""
