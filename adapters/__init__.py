"""Agency adapters: each depends only on the hub's adapter contract."""
