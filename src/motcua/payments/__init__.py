"""Payments of fees and charges (phí, lệ phí): VietQR bank transfers, the payment gateway's signed
callbacks, matching transfers to dossiers, electronic fee receipts (biên lai điện tử).
docs/integrations.md "Payments"."""
