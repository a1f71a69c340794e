"""Result documents (PDF) rendered from catalog templates, PAdES signing and verification."""
