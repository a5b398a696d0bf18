"""The laptop runtime: the real Chalice handlers behind a local API Gateway.

`python -m infra.local` starts, in one process and on loopback only:

* an embedded AWS (moto's threaded server) with the DynamoDB table and the SQS
  queues created from infra/template.json,
* one HTTP port that behaves like the two API Gateway APIs: REST proxy events for
  every route of ``app.app``, WebSocket ``$connect``/``$default``/``$disconnect``
  events for the socket at ``/ws``, and the ``@connections`` management API the
  app posts to,
* a poller that feeds the notification queue to ``app.on_notification`` the way
  Lambda's SQS event source does (batches, partial failures, redrive to the DLQ),
* the demo data (infra/local/demo.py).

Nothing here contains application logic: every request ends in the very handler
functions that Lambda runs. app.py and chalicelib never import this package.
"""
