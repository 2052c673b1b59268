"""ComponentResources, one concern each; they know nothing of stacks or YAML."""
