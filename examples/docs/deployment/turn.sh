export SYNAPSE_ICE_SERVERS='[{"urls":"stun:turn.example.com:3478"}]'
export SYNAPSE_TURN_URLS='turn:turn.example.com:3478?transport=udp,turn:turn.example.com:3478?transport=tcp,turns:turn.example.com:5349?transport=tcp'
export SYNAPSE_TURN_SECRET='<the static-auth-secret of turnserver.conf>'
