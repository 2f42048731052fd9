"""pq_assistant: cited passages and figures from written parliamentary questions."""

__version__ = "0.1.0"
