"""pq_assistant: cited passages and figures from written parliamentary questions."""

__version__ = "0.1.0"


def __getattr__(name: str):
    # Lazy: `import pq_assistant` (and `pq --help`) must not import chromadb or the model.
    if name == "Assistant":
        from .assistant import Assistant

        return Assistant
    if name == "Filters":
        from .search import Filters

        return Filters
    raise AttributeError(name)
