SYNAPSE_JWT_SECRET=$(openssl rand -hex 32) \
SYNAPSE_ALLOWED_ORIGINS=https://crm.example.com \
SYNAPSE_DATA_DIR=/var/lib/synapse \
npx synapse-server
