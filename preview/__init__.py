"""The offline preview: runs __main__.py under the SDK's mocks and reports what `pulumi preview` would create."""
