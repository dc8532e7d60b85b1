"""The worker: timers (due soon, overdue, unacknowledged Encompass notices) and webhook deliveries, taken from
the database under leases so that several workers, on several replicas, never do the same job twice."""
