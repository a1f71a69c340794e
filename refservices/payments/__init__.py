"""The reference payment gateway (``motcua-payments``): payment orders, simulated bank transfers and signed
callbacks (docs/refservices.md)."""
