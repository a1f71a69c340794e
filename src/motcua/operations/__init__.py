"""Running motcua: the demo world and the `demo`, `serve` and `worker` commands.

The top of the layering (docs/architecture.md): this app may import every other app, and none imports it.
"""
