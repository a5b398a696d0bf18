"""Use cases, one module per concept; each a few functions over the ports in `context.Context`."""
