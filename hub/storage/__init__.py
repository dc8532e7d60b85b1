"""Storage: tables, the engine, the unit of work. Only the door and services reach it."""
