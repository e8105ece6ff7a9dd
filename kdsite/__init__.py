"""kdsite: an interactive knowledge-distillation explainer, built as a static site.

This module and ``kdsite.core`` import with numpy alone: they are what the browser runs.
"""

__version__ = "0.1.0"
