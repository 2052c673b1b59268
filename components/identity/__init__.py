"""Identity: people and groups in the management account, roles in member accounts, keyless deploys."""
