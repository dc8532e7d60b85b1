"""Identity: which child a person an agency knows is. Exact on a valid NHS number, otherwise scored."""
