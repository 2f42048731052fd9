"""The figures ledger lives in `pq_assistant.figures.ledger`; this module keeps the old import
path (`from . import ledger`) working for its callers."""
from .figures.ledger import (  # noqa: F401
    LedgerEntry,
    _words,
    build,
    choose_groups,
    counted_groups,
    description,
    figure_dict,
    filter_entries,
    key_of,
    named_groups,
    semantic_groups,
    sort_key,
    timeline_keys,
)
