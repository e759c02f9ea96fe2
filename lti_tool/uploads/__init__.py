"""Files students hand in: resumable uploads (tus), safe content, and the way to them."""

from lti_tool.uploads.tus import bp

__all__ = ["bp"]
