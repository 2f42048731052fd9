"""The figures ledger lives in `pq_assistant.figures.ledger`; this module keeps the old import
path (`from . import ledger`) working for its callers."""
from .figures.ledger import (  # noqa: F401
    LedgerEntry,
    build,
    choose_groups,
    description,
    figure_dict,
    filter_entries,
    load,
    save,
    semantic_groups,
    sort_key,
)
