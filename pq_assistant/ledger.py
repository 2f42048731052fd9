"""The figures ledger lives in `pq_assistant.figures.ledger`; this module keeps the old import
path (`from . import ledger`) working for its callers."""
from .figures.ledger import (  # noqa: F401
    LEDGER_VERSION,
    LedgerEntry,
    _words,
    build,
    choose_groups,
    counted_groups,
    description,
    figure_dict,
    filter_entries,
    fits_question,
    key_of,
    named_groups,
    narrowest,
    semantic_groups,
    sort_key,
    timeline_keys,
)
