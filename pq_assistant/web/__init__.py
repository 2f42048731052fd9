"""`pq serve`: a local web page over the library facade (search, documents, figures, briefing)
and a JSON API with the CLI's contract. Needs the `web` extra (fastapi, uvicorn, python-multipart).

    from pq_assistant import Assistant
    from pq_assistant.web import create_app
    app = create_app(Assistant("index"))
"""
from .app import create_app

__all__ = ["create_app"]
