"""Adapters: the only code that talks to AWS (DynamoDB, API Gateway sockets, SQS, HTTP, Bedrock)."""
