"""The evaluation plugin's cases: rectification tasks (群众评议整改), 15 working days each."""

from plugins.evaluation.services.rectification import categories  # noqa: F401 (the hook's answer)
