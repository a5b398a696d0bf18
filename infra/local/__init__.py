"""The laptop runtime: the real Chalice handlers behind a local API Gateway.

`python -m infra.local` starts, on loopback only (two processes: this one and the embedded AWS):

* an embedded AWS (moto, in a process of its own: aws_process.py; ``--aws-in-process``
  keeps it inside) with the DynamoDB table and the SQS queues created from
  infra/template.json; its DynamoDB is made correct under concurrency, flat in table size
  and bounded in memory by flat_dynamodb.py, and served with keep-alive (aws.py),
* one HTTP port that behaves like the two API Gateway APIs: REST proxy events for
  every route of ``app.app``, WebSocket ``$connect``/``$default``/``$disconnect``
  events for the socket at ``/ws``, and the ``@connections`` management API the
  app posts to (only requests signed with this run's random access key id, which only
  the app gets through its environment),
* a poller that feeds the notification queue to ``app.on_notification`` the way
  Lambda's SQS event source does (batches, partial failures, redrive to the DLQ),
* the demo data (infra/local/demo.py).

Nothing here contains application logic: every request ends in the very handler
functions that Lambda runs. app.py and chalicelib never import this package.
"""
