"""Faults and concurrency: Redis or PostgreSQL away, a worker killed mid-job, two clients at
once — each test makes the fault happen for real and checks what a user would notice."""
