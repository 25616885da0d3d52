"""Reading the warehouse: the contract's tables, the entity set of a window, labels, one Arrow extract."""
