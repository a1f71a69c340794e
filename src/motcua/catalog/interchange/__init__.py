"""The catalog interchange format (YAML; JSON is accepted since it is a subset of YAML).

Parsing keeps the line of every mapping and key, so that a bad file is answered with one
message per problem and its line, before anything is written. ``parse`` turns a document into
canonical plain dictionaries (the same shape ``dump_procedure`` produces from the database),
so importing an export and exporting again gives the same text. The format is described in
docs/catalog.md.

- ``document``: the YAML text with the line of every key, problems and the canonical key order;
- ``values``: reading one typed value (text, choice, number, date, period) with its line;
- ``reading``: a document to legal documents, procedures, competence rules and versions (``parse``);
- ``workflows``: a version's internal workflow (steps, transitions) read and ordered;
- ``writing``: the database back to the same document (``dump_procedure``, ``dumps``).
"""

from .document import FORMAT, AgencyResolver, CatalogFormatError, Problem, UnitResolver, load
from .reading import parse
from .writing import dump_legal_document, dump_procedure, dump_version, dumps

__all__ = [
    "FORMAT",
    "AgencyResolver",
    "CatalogFormatError",
    "Problem",
    "UnitResolver",
    "dump_legal_document",
    "dump_procedure",
    "dump_version",
    "dumps",
    "load",
    "parse",
]
