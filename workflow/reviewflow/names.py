"""The names a command or a config chooses among, apart from the code that implements
them: the command line offers them as choices without importing that code (scipy, the
importers), and each implementing module takes its names from here."""

from __future__ import annotations

BINARY = ("RR", "OR", "RD")  # effect measures of two proportions
CONTINUOUS = ("MD", "SMD")  # of two means
MEASURES = (*BINARY, *CONTINUOUS, "GEN")  # GEN: a generic effect and its variance
RANDOM = ("DL", "REML", "PM")  # between-study variance estimators
METHODS = ("FE", "MH", "PETO", *RANDOM)
IMPORTERS = ("rayyan", "covidence", "asreview")  # tools whose screening decisions come in
COVIDENCE_LISTS = ("irrelevant", "excluded", "included")  # the lists Covidence exports
HANDOFFS = ("prisma2020", "ris", "revman", "revman-web", "gradepro")  # files written for the next tool
