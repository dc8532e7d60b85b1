"""What operators see of the running hub: Prometheus metrics (``metrics``), structured JSON logs that carry
the request id and no personal data (``logs``), and OpenTelemetry traces, off unless an exporter is
configured (``tracing``). The ASGI middleware that ties them to each request is ``middleware``."""
