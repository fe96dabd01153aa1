SYNAPSE_METRICS_PORT=9464 SYNAPSE_METRICS_HOST=10.0.0.5 npx synapse-server  # only /metrics, no token
