console.log('synapse-server: not implemented yet');
