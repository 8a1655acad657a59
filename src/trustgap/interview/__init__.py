"""The gap-analyst interview: a question bank beside the catalog (``bank``), the question-keyed answers file
(``record``) and what it asserts and promises (``answers``), the conversation as state (``session``), its
terminal face (``prompts``) and the start / resume / finish over an assessment folder (``run``)."""
