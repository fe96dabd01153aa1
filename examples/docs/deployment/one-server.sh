PORT=3000 \
SYNAPSE_JWT_SECRET="$(cat /etc/synapse/jwt-secret)" \
SYNAPSE_ALLOWED_ORIGINS=https://crm.example.com,https://portal.example.com \
SYNAPSE_DATA_DIR=/var/lib/synapse \
npx synapse-server
