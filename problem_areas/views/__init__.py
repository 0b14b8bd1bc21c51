"""Staff pages of the problem areas, one module per concept: the list of areas and its
governance (areas), the review queue (review), the model (model), discovery
(discovery) and rising problems (emerging)."""
