"""The pure domain: no boto3, pynamodb, chalice, no I/O, no clock of its own."""
