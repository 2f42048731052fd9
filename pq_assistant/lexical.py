"""The tokenizer shared by BM25, the figures ledger and the highlighting (the index itself is
`storage.lexical`)."""
from .storage.lexical import DUTCH_STOPWORDS, tokenize

__all__ = ["DUTCH_STOPWORDS", "tokenize"]
