"""A school's management information system: the roll (ON_ROLL), attendance and exclusion concerns, as CSV."""
