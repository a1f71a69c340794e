"""Reference services: separate processes that speak real protocols, for demo and tests.

Each one stands in for an external system (national e-ID, registries, national portal, payment)
and runs on loopback only. Production deployments point motcua at the real systems instead.
"""
