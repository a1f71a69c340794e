"""Reference identity provider: an OpenID Connect provider with demo citizens, in place of the national e-ID.


Run it with ``python -m refservices.idp --port 8101`` (or ``motcua-idp``). It implements the
authorization code flow with PKCE (S256), discovery, JWKS, RS256-signed id_tokens and userinfo,
on top of authlib's provider classes.
"""
