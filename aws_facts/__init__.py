"""AWS facts both the config and the policy pack read: quotas, secret-looking text, the Security Hub catalogue and
the management account's name. Standard library only, so the pack can load it without the project's packages (the
pack reaches it through the link policy/aws_facts)."""
