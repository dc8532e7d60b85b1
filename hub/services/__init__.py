"""Use cases. Each takes the request's door and goes through it for every access to child data."""
