"""The management account: the organization's own account, where the stack runs with the default provider."""

# Its name in the config (landing-zone:accounts), the inventory's `account` and the policy's `Account` tag fallback.
MANAGEMENT = "management"
