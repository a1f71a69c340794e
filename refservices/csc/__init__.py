"""The reference remote-signing service: a Cloud Signature Consortium (CSC) API v1 peer for motcua's
remote key source (motcua.signing.csc), built on certomancer-csc-dummy over the test PKI
(refservices.pki), so that its credentials chain to the same test root as every other test certificate."""
