"""botocore clients, created on first use and reused while the Lambda container lives.

botocore rather than boto3: it is in the package anyway (PynamoDB needs it) and imports faster.
Created lazily so nothing talks to AWS at import time (cold start, moto in tests).
"""
import functools


@functools.lru_cache(maxsize=None)
def client(service, region, endpoint_url=None):
    import botocore.session
    return botocore.session.get_session().create_client(service, region_name=region, endpoint_url=endpoint_url)
