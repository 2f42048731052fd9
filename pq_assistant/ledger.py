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
    load,
    named_groups,
    save,
    semantic_groups,
    sort_key,
)
