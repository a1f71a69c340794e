"""The reference public postal service (bưu chính công ích): shipments, a tariff, signed status callbacks."""
