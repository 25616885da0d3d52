"""Daily scoring with a stored model: the training features of one date, predictions, explanations,
monitoring, and the score tables written so that re-scoring replaces exactly one slice."""
