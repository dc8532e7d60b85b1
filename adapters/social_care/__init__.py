"""LA children's social care: CP plans, looked-after children, unborn plans, children in need, early help."""
