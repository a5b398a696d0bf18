"""Deployment and local-runtime tooling. Never imported by app.py or chalicelib,
and never packaged into the Lambda zip."""
