"""Reference national and specialised registries (CSDL quốc gia về dân cư, đăng ký doanh nghiệp, đất đai,
hộ tịch), in place of the real ones.

Run it with ``python -m refservices.registries --port 8103`` (or ``motcua-registries``). Records are
generated from the identifier (records.py): 100,000 people, 10,000 businesses, the land parcels of Huế's
communes; HTTP Basic client authentication and a mandatory purpose header, as motcua's adapters speak
(app.py); fault switches for tests behind their own secret.
"""
